import { Command, Option } from 'clipanion';
import { plural } from '../../../shared/format.js';
import { usageError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import { syncLine, syncRevision } from '../../write-output.js';

export class ThreadDeleteCommand extends VltCommand {
  static override paths = [['thread', 'delete']];
  static override usage = Command.Usage({
    category: 'Threads',
    description: 'Delete every entry of a thread',
    details: `
      Deletes each entry of the thread as \`vlt thread rm\` does (tombstones, synced to the server and
      your other machines); the thread then leaves \`vlt thread list\`. On a terminal it asks first;
      elsewhere (scripts, agents) give \`--yes\`.
    `,
    examples: [
      ['Delete a thread', '$0 thread delete scratch'],
      ['In a script', '$0 thread delete my-app/scratch --yes'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Do not ask' });
  noSync = Option.Boolean('--no-sync', false, {
    description: 'Only delete it locally; the server follows later',
  });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const { vault, thread } = await this.requireThread(ref);
    const name = `${ref.project}/${ref.thread}`;
    const live = vault.readEntries(thread, {});
    if (!this.yes) {
      const stdin = this.context.stdin as NodeJS.ReadStream;
      if (!stdin.isTTY) throw usageError(`deleting ${name} needs --yes when not asked on a terminal`);
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: stdin, output: this.context.stderr });
      const answer = await rl.question(
        `Delete ${plural(live.length, 'entry', 'entries')} of ${name}? [y/N] `,
      );
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        this.warn('nothing was deleted');
        return;
      }
    }
    let last: number | undefined;
    const server = this.queueServer();
    vault.sqlite.transaction(() => {
      for (const entry of live) {
        const pk = vault.resolveEntry(entry.id, ref.project).pk;
        last = vault.reviseEntry(pk, null, server) ?? last;
      }
    })();
    const shown = { project: ref.project, thread: ref.thread, deleted: live.length };
    if (last === undefined) {
      if (this.json) this.printJson(shown);
      else this.print(terminalText(`already deleted: ${name}`));
      return;
    }
    if (!this.json) this.print(terminalText(`DELETED: ${name} (${plural(live.length, 'entry', 'entries')})`));
    const sync = await syncRevision(this, {
      id: live[live.length - 1]!.id,
      threadPk: thread.pk,
      revisionPk: last,
    });
    if (this.json) this.printJson({ ...shown, sync });
    else this.print(syncLine(sync));
  }
}
