import { Command, Option } from 'clipanion';
import { checkStatus } from '../../../shared/names.js';
import { VltCommand } from '../../base.js';

export class ThreadStatusCommand extends VltCommand {
  static override paths = [['thread', 'status']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: "Set a thread's state: active, archived or blocked",
    details: `
      The state shows in \`vlt thread list\` and filters it (\`--status\`). Entries can still be pushed
      to an archived or blocked thread.
    `,
    examples: [
      ['Mark a thread blocked', '$0 thread status auth-refactor blocked'],
      ['Archive it', '$0 thread status auth-refactor archived'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  status = Option.String({ name: 'active|archived|blocked' });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const status = checkStatus(this.status);
    const { vault, thread } = await this.requireThread(ref);
    vault.setStatus(thread, status);
    if (this.json)
      this.printJson({ project: ref.project, thread: ref.thread, status, previous: thread.status });
    else this.print(`STATUS: ${ref.project}/${ref.thread} ${status}`);
  }
}
