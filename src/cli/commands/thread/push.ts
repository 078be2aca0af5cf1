import { Command, Option } from 'clipanion';
import { checkAuthor, checkContent } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { pushEntry } from '../../vault/append.js';
import { reportWrite } from '../../write-output.js';

export class ThreadPushCommand extends VltCommand {
  static override paths = [['thread', 'push']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Append an entry to a thread',
    details: `
      Writes the entry to the local vault in one transaction and prints \`OK: thread/seq\` once it is on
      disk; then one line on sync. Use \`-\` as the content to read it from stdin (up to 100,000 bytes).
    `,
    examples: [
      ['Record a finding', '$0 thread push auth-refactor "Tried refresh tokens in cookies: blocked by CORS"'],
      ['From a file', 'cat notes.md | $0 thread push auth-refactor -'],
      ['Only locally', '$0 thread push auth-refactor "offline note" --no-sync'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  content = Option.String({ name: 'content' });
  author = Option.String('--author', { description: 'Author (default: VLT_AUTHOR, config author, "user")' });
  noSync = Option.Boolean('--no-sync', false, { description: 'Only write locally; leave it queued' });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const author = checkAuthor(this.setting('author', this.author).value ?? 'user');
    const content = checkContent(await this.readContent(this.content));
    const written = pushEntry(this.sqlite({ create: true }), {
      project: ref.project,
      slug: ref.thread,
      content,
      author,
      server: this.queueServer(),
    });
    await reportWrite(this, written, `OK: ${written.thread}/${written.seq}`);
  }
}
