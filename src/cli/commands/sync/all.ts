import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { checkProjectId } from '../../../shared/names.js';
import { plural } from '../../../shared/format.js';
import { VltCommand } from '../../base.js';

export class SyncAllCommand extends VltCommand {
  static override paths = [['sync', 'all']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Check every thread against the server and send whatever it lacks',
    details: `
      Asks the server in force how far it has each local thread (optionally of one project), queues
      the entries above that point which are not queued already (say, after the server lost data)
      for that server, and sends everything pending, each entry to its own server. A server named
      by this directory's vlt.toml is asked about that project only, unless --project names another.
    `,
    examples: [
      ['Reconcile everything', '$0 sync all'],
      ['One project', '$0 sync all --project my-app'],
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
    const conn = connection(this);
    const projectId = this.projectOption === undefined ? conn.project : checkProjectId(this.projectOption);
    if (!conn.token) throw new VltError(notLoggedIn(conn), 1, 'unauthorized');
    const db = this.sqlite({ create: false });
    if (!db) {
      this.print('Nothing to send.');
      return;
    }
    const { Outbox } = await import('../../vault/outbox.js');
    const outbox = new Outbox(db);
    // Asked where the server keeps the thread: a move waiting to be sent goes first in the sync.
    const threads = (
      db
        .prepare(
          `SELECT pk, project_id AS project, slug, last_seq AS lastSeq FROM threads ${projectId ? 'WHERE project_id = ?' : ''}`,
        )
        .all(...(projectId ? [projectId] : [])) as {
        pk: number;
        project: string;
        slug: string;
        lastSeq: number;
      }[]
    ).map((t) => ({ ...t, project: outbox.serverProject(t.pk, t.project) }));
    const client = api(conn, 30_000);
    const statuses = await callServer(conn, () =>
      Promise.all(
        threads.map((t) => client.threads.syncStatus.query({ projectId: t.project, threadId: t.slug })),
      ),
    );
    let queued = 0;
    db.transaction(() => {
      threads.forEach((t, i) => {
        const serverSeq = statuses[i]!.lastSyncedSequence;
        if (serverSeq < t.lastSeq) queued += outbox.requeue(t.pk, conn.url, serverSeq);
      });
    }).immediate();
    const result = await syncAndRetryLater(this, db, {
      threadPks: threads.map((t) => t.pk),
      timeoutMs: 30_000,
    });
    const reason = stopReason(result, this);
    if (this.json) {
      this.printJson({
        threads: threads.length,
        requeued: queued,
        sent: result.sent,
        failed: result.failed,
        ...(reason ? { stoppedBy: reason } : {}),
      });
    } else {
      this.print(
        `checked ${plural(threads.length, 'thread')}; queued ${plural(queued, 'entry', 'entries')} the server lacked; sent ${result.sent}; ${result.failed} failed`,
      );
    }
    if (reason) throw new VltError(stayQueued(reason, result.retrier));
    if (result.failed) throw setAsideError(result.failed);
  }
}
