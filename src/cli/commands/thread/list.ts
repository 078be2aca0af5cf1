import { Command, Option } from 'clipanion';
import { formatRelative } from '../../../shared/format.js';
import { checkProjectId, checkStatus } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { columns } from '../../output.js';

export class ThreadListCommand extends VltCommand {
  static override paths = [['thread', 'list']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'List threads with entry counts, last activity and sync state',
    details: `
      Lists the current project's threads (from vlt.toml), newest activity first; \`--all\` lists every
      project's, \`--project\` another one's. SYNC shows \`synced\`, or how many entries wait to be sent.
    `,
    examples: [
      ['Threads of this project', '$0 thread list'],
      ['Blocked threads everywhere', '$0 thread list --all --status blocked'],
    ],
  });

  projectOption = Option.String('-p,--project', { description: 'Only this project' });
  status = Option.String('--status', {
    description: 'Only threads in this state: active, archived, blocked',
  });
  allProjects = Option.Boolean('-a,--all', false, { description: 'Threads of every project' });

  async run(): Promise<void> {
    const status = this.status === undefined ? undefined : checkStatus(this.status);
    const project =
      this.projectOption !== undefined
        ? checkProjectId(this.projectOption)
        : this.allProjects
          ? undefined
          : this.project?.id;
    const threads = (await this.optionalVault())?.listThreads({ project, status }) ?? [];
    if (this.json) {
      this.printJson({
        threads: threads.map(
          ({ project, thread, status, entries, lastActivity, syncedSeq, localSeq, pending, failed }) => ({
            project,
            thread,
            status,
            entries,
            lastActivity,
            syncedSeq,
            localSeq,
            pending,
            failed,
          }),
        ),
      });
      return;
    }
    if (threads.length === 0) {
      const where = project ? ` in project ${project}` : '';
      this.context.stderr.write(
        `no threads${where}: start one with \`vlt thread new <thread> "first entry"\`\n`,
      );
      return;
    }
    const rows = [['THREAD', 'STATUS', 'ENTRIES', 'LAST ACTIVITY', 'SYNC']];
    for (const t of threads) {
      const sync =
        t.failed > 0
          ? `${t.failed} failed`
          : t.syncedSeq >= t.localSeq
            ? 'synced'
            : `${t.localSeq - t.syncedSeq} pending`;
      rows.push([
        `${t.project}/${t.thread}`,
        t.status,
        String(t.entries),
        formatRelative(t.lastActivity),
        sync,
      ]);
    }
    for (const line of columns(rows)) this.print(line);
  }
}
