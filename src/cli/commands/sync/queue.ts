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

  async run(): Promise<void> {
    const db = this.sqlite({ create: false });
    const userServer = this.userServer().url;
    const { Outbox } = await import('../../vault/outbox.js');
    const outbox = db ? new Outbox(db) : undefined;
    const items = outbox?.entries(userServer) ?? [];
    // Thread changes the server has not had yet: a move (from where the server keeps it) and a
    // status, waiting, or refused (with why).
    const changes = outbox?.changes(userServer) ?? [];
    // Tags and links the server has not had: each goes once its entry is there.
    const marks = outbox?.marks(userServer) ?? [];
    // Edits and deletions likewise.
    const revisions = outbox?.revisions(userServer) ?? [];
    if (this.json) {
      this.printJson({
        items,
        changes: changes.map(({ moved: _moved, ...change }) => change),
        marks,
        revisions,
      });
      return;
    }
    if (items.length === 0 && changes.length === 0 && marks.length === 0 && revisions.length === 0) {
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
    for (const m of marks) {
      const entry = `${m.project}/${m.thread}#${m.seq}`;
      rows.push([
        m.state,
        m.tag !== null ? `tag ${entry} #${m.tag}` : `link ${entry} → ${m.link ?? '?'}`,
        originOf(m.server),
        '-',
        waiting(m),
      ]);
    }
    for (const r of revisions)
      rows.push([
        r.state,
        `${r.kind} ${r.project}/${r.thread}#${r.seq}`,
        originOf(r.server),
        '-',
        waiting(r),
      ]);
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
