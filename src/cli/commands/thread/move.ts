import { Command, Option } from 'clipanion';
import { checkProjectId } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';
import { syncLine, syncThreadChange } from '../../write-output.js';

export class ThreadMoveCommand extends VltCommand {
  static override paths = [['thread', 'move']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Move a thread to another project',
    details: `
      Moves the thread and all its entries; the target project is created if it does not exist.
      Fails if the target project already has a thread of that name. Then one line on sync, as for
      a push: the server's copy moves too (\`synced\`), or the move waits in the queue.
    `,
    examples: [
      ['Move a thread to the infra project', '$0 thread move ci-cache infra'],
      ['Only locally for now', '$0 thread move ci-cache infra --no-sync'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  toProject = Option.String({ name: 'project' });
  noSync = Option.Boolean('--no-sync', false, { description: 'Only move locally; the server follows later' });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const target = checkProjectId(this.toProject);
    const { vault, thread } = await this.requireThread(ref);
    const from = `${ref.project}/${ref.thread}`;
    const to = `${target}/${ref.thread}`;
    if (ref.project === target) {
      if (this.json) this.printJson({ from, to, moved: false });
      else this.print(`already in ${target}: ${from}`);
      return;
    }
    vault.moveThread(thread, target, this.server().url);
    if (!this.json) this.print(`MOVED: ${from} → ${to}`);
    const sync = await syncThreadChange(this, thread.pk, 'move');
    if (this.json) this.printJson({ from, to, moved: true, sync });
    else this.print(syncLine(sync));
  }
}
