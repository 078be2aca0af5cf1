import { Command } from 'clipanion';
import { VltCommand } from '../../base.js';
import { columns } from '../../output.js';
import { notLoggedIn, originOf } from '../../settings.js';

export class SyncQueueCommand extends VltCommand {
  static override paths = [['sync', 'queue']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'List what is pending or failed, with attempts and the last error',
    details: `
      \`pending\` entries are sent by the next push, \`vlt sync retry\` or the background retrier,
      each to its SERVER (the one in force when it was written; it waits while you are not logged
      in there). \`failed\` entries were refused by the server for themselves (the reason says
      why); after \`vlt sync pull\` resolves a conflict they are pending again.
    `,
    examples: [['What is waiting?', '$0 sync queue']],
  });

  run(): void {
    const db = this.sqlite({ create: false });
    const userServer = this.userServer().url;
    const items = (db
      ?.prepare(
        `SELECT t.project_id AS project, t.slug AS thread, e.id AS entryId, e.seq, o.attempts,
                o.last_error AS lastError, o.state, coalesce(o.server, ?) AS server
         FROM outbox o JOIN entries e ON e.pk = o.entry_pk JOIN threads t ON t.pk = o.thread_pk
         ORDER BY o.state DESC, t.project_id, t.slug, e.seq`,
      )
      .all(userServer) ?? []) as {
      project: string;
      thread: string;
      entryId: string;
      seq: number;
      attempts: number;
      lastError: string | null;
      state: string;
      server: string;
    }[];
    // Thread changes the server has not had yet: a move (from where the server keeps it) and a
    // status, waiting, or refused (with why).
    const changes = (db
      ?.prepare(
        `SELECT t.project_id AS project, t.slug AS thread, coalesce(c.from_project, t.project_id) AS serverProject,
                c.from_project IS NOT NULL AS moved, CASE WHEN c.status_changed THEN t.status END AS status,
                CASE WHEN c.last_error IS NULL THEN 'pending' ELSE 'failed' END AS state, c.last_error AS lastError,
                coalesce(c.server, ?) AS server
         FROM pending_thread_changes c JOIN threads t ON t.pk = c.thread_pk ORDER BY t.project_id, t.slug`,
      )
      .all(userServer) ?? []) as {
      project: string;
      thread: string;
      serverProject: string;
      moved: number;
      status: string | null;
      state: string;
      lastError: string | null;
      server: string;
    }[];
    if (this.json) {
      this.printJson({ items, changes: changes.map(({ moved: _moved, ...change }) => change) });
      return;
    }
    if (items.length === 0 && changes.length === 0) {
      this.print('The queue is empty: everything is on the server.');
      return;
    }
    // A pending row for a server without a token says so, where the last error goes.
    const waiting = (row: { server: string; state: string; lastError: string | null }) => {
      if (row.lastError !== null) return row.lastError;
      const origin = originOf(row.server);
      return row.state === 'pending' && !this.tokenFor(origin)
        ? notLoggedIn({ url: row.server, origin })
        : '-';
    };
    const rows = [['STATE', 'ENTRY', 'SERVER', 'ATTEMPTS', 'LAST ERROR']];
    for (const c of changes) {
      const what = [
        ...(c.moved ? [`move ${c.serverProject}/${c.thread} → ${c.project}`] : []),
        ...(c.status ? [`status of ${c.project}/${c.thread} → ${c.status}`] : []),
      ];
      rows.push([c.state, what.join(', '), originOf(c.server), '-', waiting(c)]);
    }
    for (const i of items)
      rows.push([
        i.state,
        `${i.project}/${i.thread}#${i.seq}`,
        originOf(i.server),
        String(i.attempts),
        waiting(i),
      ]);
    for (const line of columns(rows)) this.print(line);
  }
}
