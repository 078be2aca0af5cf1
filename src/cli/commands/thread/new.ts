import { Command, Option } from 'clipanion';
import { checkAuthor, checkContent } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { createThread } from '../../vault/append.js';
import { reportWrite } from '../../write-output.js';

export class ThreadNewCommand extends VltCommand {
  static override paths = [['thread', 'new']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Create a thread with its first entry',
    details: `
      Creates \`thread\` (in the current project, or \`project/thread\`) with entry 0, then syncs it like
      a push. Thread names are 1-128 lower-case letters, digits and hyphens. Use \`-\` as the entry to
      read it from stdin.
    `,
    examples: [
      ['Start a thread', '$0 thread new auth-refactor "Goal: move sessions to JWT"'],
      ['In another project', '$0 thread new infra/ci-cache "CI cache misses on every run"'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  content = Option.String({ name: 'first entry' });
  projectOption = Option.String('-p,--project', { description: 'Project id (default: from vlt.toml)' });
  author = Option.String('--author', { description: 'Author (default: VLT_AUTHOR, config author, "user")' });
  noSync = Option.Boolean('--no-sync', false, { description: 'Only write locally; leave it queued' });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread, this.projectOption);
    const author = checkAuthor(this.setting('author', this.author).value ?? 'user');
    const content = checkContent(await this.readContent(this.content));
    const projectName = this.project?.id === ref.project ? this.project.name : ref.project;
    const written = createThread(this.sqlite({ create: true }), {
      project: ref.project,
      projectName,
      slug: ref.thread,
      content,
      author,
      server: this.queueServer(),
    });
    await reportWrite(this, written, `CREATED: ${written.project}/${written.thread}`);
  }
}
