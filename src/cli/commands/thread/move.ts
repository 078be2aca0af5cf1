import { Command, Option } from 'clipanion';
import { checkProjectId } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';

export class ThreadMoveCommand extends VltCommand {
  static override paths = [['thread', 'move']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Move a thread to another project',
    details: `
      Moves the thread and all its entries; the target project is created if it does not exist.
      Fails if the target project already has a thread of that name.
    `,
    examples: [['Move a thread to the infra project', '$0 thread move ci-cache infra']],
  });

  thread = Option.String({ name: 'thread' });
  toProject = Option.String({ name: 'project' });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const target = checkProjectId(this.toProject);
    const { vault, thread } = await this.requireThread(ref);
    const from = `${ref.project}/${ref.thread}`;
    const to = `${target}/${ref.thread}`;
    if (ref.project !== target) vault.moveThread(thread, target);
    if (this.json) this.printJson({ from, to });
    else this.print(ref.project === target ? `already in ${target}: ${from}` : `MOVED: ${from} → ${to}`);
  }
}
