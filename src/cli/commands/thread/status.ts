import { Command, Option } from 'clipanion';
import { checkStatus } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { syncLine, syncThreadChange } from '../../write-output.js';

export class ThreadStatusCommand extends VltCommand {
  static override paths = [['thread', 'status']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: "Set a thread's state: active, archived or blocked",
    details: `
      The state shows in \`vlt thread list\` and filters it (\`--status\`), and in the web UI. Entries
      can still be pushed to an archived or blocked thread. Then one line on sync, as for a push: the
      server's copy takes the state too (\`synced\`), or the change waits in the queue.
    `,
    examples: [
      ['Mark a thread blocked', '$0 thread status auth-refactor blocked'],
      ['Archive it', '$0 thread status auth-refactor archived'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  status = Option.String({ name: 'active|archived|blocked' });
  noSync = Option.Boolean('--no-sync', false, {
    description: 'Only change it locally; the server follows later',
  });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const status = checkStatus(this.status);
    const { vault, thread } = await this.requireThread(ref);
    const line = `STATUS: ${ref.project}/${ref.thread} ${status}`;
    const shown = { project: ref.project, thread: ref.thread, status, previous: thread.status };
    if (status === thread.status) {
      if (this.json) this.printJson(shown);
      else this.print(line);
      return;
    }
    vault.setStatus(thread, status, this.server().url);
    if (!this.json) this.print(line);
    const sync = await syncThreadChange(this, thread.pk, 'status');
    if (this.json) this.printJson({ ...shown, sync });
    else this.print(syncLine(sync));
  }
}
