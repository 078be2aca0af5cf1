import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { checkProjectId } from '../../../shared/names.js';
import { plural } from '../../../shared/format.js';
import { VltCommand } from '../../base.js';

export class SyncPullCommand extends VltCommand {
  static override paths = [['sync', 'pull']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: "Bring threads from the server into this vault (a second machine's entries)",
    details: `
      Fetches every entry stored on the server in force since the last pull (from the start the
      first time). Every page is checked (names, ids, sequences, authors, times) before anything
      of it is stored: a page with anything invalid stores nothing. A server named by this
      directory's vlt.toml is asked for that project only, unless --project names another.
      Where this machine has entries the server has not acknowledged in the same thread, they are
      renumbered after the server's and then pushed, so both machines end with the same entries in
      the same order.
    `,
    examples: [
      ['Catch up with the other machine', '$0 sync pull'],
      ['One project only', '$0 sync pull --project my-app'],
    ],
  });

  projectOption = Option.String('-p,--project', { description: 'Only this project' });

  async run(): Promise<void> {
    const {
      api,
      callServer,
      connection,
      notLoggedIn,
      setAsideError,
      stayQueued,
      stopReason,
      syncAndRetryLater,
    } = await import('../../sync/run.js');
    const { pullFromServer } = await import('../../sync/pull.js');
    const conn = connection(this);
    const projectId = this.projectOption === undefined ? conn.project : checkProjectId(this.projectOption);
    if (!conn.token) throw new VltError(notLoggedIn(conn), 1, 'unauthorized');
    const db = this.sqlite({ create: true });
    const tty = Boolean((this.context.stderr as NodeJS.WriteStream).isTTY);
    const pulled = await callServer(conn, () =>
      pullFromServer(db, api(conn, 30_000), conn.url, {
        ...(projectId ? { projectId } : {}),
        onProgress: (n) => tty && this.context.stderr.write(`\rreceived ${n} entries`),
      }),
    );
    if (tty) this.context.stderr.write('\n');
    const pushed = await syncAndRetryLater(this, db, { timeoutMs: 30_000 });
    // What waits for a login to another server is for `vlt sync status` to say, not a failed pull.
    const reason = stopReason(pushed, this, conn.url);
    if (this.json) {
      this.printJson({
        ...pulled,
        sent: pushed.sent,
        failed: pushed.failed,
        ...(reason ? { stoppedBy: reason } : {}),
      });
    } else {
      this.print(
        `pulled ${plural(pulled.added, 'new entry', 'new entries')} into ${plural(pulled.threads, 'thread')}` +
          (pulled.renumbered
            ? `; renumbered ${plural(pulled.renumbered, 'local entry', 'local entries')} after them`
            : '') +
          (pulled.moved ? `; moved ${plural(pulled.moved, 'thread')} to where the server has them` : '') +
          (pulled.statuses
            ? `; set the status of ${plural(pulled.statuses, 'thread')} as on the server`
            : '') +
          (pulled.revisions
            ? `; took ${plural(pulled.revisions, 'edit or deletion', 'edits and deletions')} from the server`
            : '') +
          (pulled.annotations
            ? `; took ${plural(pulled.annotations, 'tag or link', 'tags and links')} from the server`
            : '') +
          `; sent ${pushed.sent}`,
      );
    }
    if (reason) throw new VltError(stayQueued(reason, pushed.retrier));
    if (pushed.failed) throw setAsideError(pushed.failed);
  }
}
