// The vault's sync state, owned here and nowhere else: the outbox (entries the server has not
// acknowledged, each for the server recorded with it), pending_thread_changes (moves and statuses
// the server has not had), pending_marks (tags and links the server has not had), pending_revisions
// (edits and deletions the server has not had), sync_watermarks (how far the server has each thread) and sync_meta (pull
// cursors). Commands, the sync engine and the pull use these named operations; no other module
// writes SQL on these tables. Plain prepared SQL: the push path loads this file.
import type BetterSqlite3 from 'better-sqlite3';
import type { Sqlite } from './open.js';

/** Where a drain sends: `server`; rows that recorded none belong to the user's own server. */
export interface Destination {
  server: string;
  userServer: string;
}

/** A thread with something to send: its change (move, status) and where the server keeps it. */
export interface ThreadToSync {
  pk: number;
  project_id: string;
  slug: string;
  status: 'active' | 'archived' | 'blocked';
  created_at: string;
  /** Where the server keeps it, when `vlt thread move` moved it since and the server must follow. */
  move_from: string | null;
  /** `vlt thread status` changed it since the server last had it. */
  status_changed: number | null;
  /** Why the server refused a move, if it did: the thread waits for the user. */
  change_refused: string | null;
}

export interface PendingEntry {
  entry_pk: number;
  id: string;
  seq: number;
  content: string;
  author: string;
  timestamp: string;
}

/** A thread's sync state, for listings. */
export interface ThreadSyncState {
  /** How far the server has it, as last seen (−1: never). */
  serverSeq: number;
  pending: number;
  failed: number;
  /** Where the server keeps it: another project while a move waits to be sent. */
  serverProject: string;
  /** A move or a status waits to be sent (or was refused). */
  changing: boolean;
}

export interface QueuedEntry {
  project: string;
  thread: string;
  entryId: string;
  seq: number;
  attempts: number;
  lastError: string | null;
  state: 'pending' | 'failed';
  server: string;
}

export interface QueuedChange {
  project: string;
  thread: string;
  serverProject: string;
  moved: number;
  status: string | null;
  state: 'pending' | 'failed';
  lastError: string | null;
  server: string;
}

/** A tag or a link waiting for the server, with what `threads.annotate` needs. */
export interface PendingMark {
  pk: number;
  entryId: string;
  tag: string | null;
  /** A link's target where the server keeps it (a move not yet sent: its old place). */
  targetProject: string | null;
  targetThread: string | null;
  note: string | null;
  /** When the link was made or given its note. */
  at: string | null;
}

export interface PendingRevision {
  pk: number;
  entryId: string;
  revisionId: string;
  content: string;
  deleted: number;
  at: string;
}

export interface QueuedRevision {
  project: string;
  thread: string;
  entryId: string;
  seq: number;
  kind: 'edit' | 'delete';
  state: 'pending' | 'failed';
  lastError: string | null;
  server: string;
}

export interface QueuedMark {
  project: string;
  thread: string;
  entryId: string;
  seq: number;
  tag: string | null;
  link: string | null;
  state: 'pending' | 'failed';
  lastError: string | null;
  server: string;
}

/** A row bound for `to`: two parameters, the user's server and the server. */
const FOR_SERVER = (alias: string) => `coalesce(${alias}.server, ?) = ?`;
const here = (to: Destination) => [to.userServer, to.server];
const inThreads = (threadPks?: number[]): { sql: string; args: string[] } =>
  threadPks
    ? { sql: 'AND thread_pk IN (SELECT value FROM json_each(?))', args: [JSON.stringify(threadPks)] }
    : { sql: '', args: [] };

export class Outbox {
  private readonly statements = new Map<string, BetterSqlite3.Statement<unknown[], unknown>>();

  constructor(private readonly db: Sqlite) {}

  private sql(text: string) {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  // ---- entries waiting for a server -----------------------------------------------------------

  /** An entry just written (in its transaction): it waits for `server` (null: the user's own). */
  queue(entryPk: number | bigint, threadPk: number, at: string, server: string | null): void {
    this.sql('INSERT INTO outbox (entry_pk, thread_pk, created_at, server) VALUES (?, ?, ?, ?)').run(
      entryPk,
      threadPk,
      at,
      server,
    );
  }

  /** Queues the thread's entries above `afterSeq` again for `server` (those not queued already). */
  requeue(threadPk: number, server: string, afterSeq = -1): number {
    return this.sql(
      `INSERT OR IGNORE INTO outbox (entry_pk, thread_pk, created_at, server)
       SELECT pk, thread_pk, ?, ? FROM entries WHERE thread_pk = ? AND seq > ?`,
    ).run(new Date().toISOString(), server, threadPk, afterSeq).changes;
  }

  /** The thread's entries set aside go again (all, or only those that met a conflict). */
  retry(threadPk: number, only?: 'conflicts'): void {
    this.sql(
      `UPDATE outbox SET state = 'pending', last_error = NULL
       WHERE thread_pk = ? AND state = 'failed' ${only === 'conflicts' ? "AND last_error LIKE 'CONFLICT%'" : ''}`,
    ).run(threadPk);
  }

  /** Whether this entry still waits (pending, or set aside). */
  isQueued(entryId: string): boolean {
    return (
      this.sql('SELECT 1 FROM outbox o JOIN entries e ON e.pk = o.entry_pk WHERE e.id = ?').get(entryId) !==
      undefined
    );
  }

  pendingCount(threadPks?: number[]): number {
    const scope = inThreads(threadPks);
    return (
      this.sql(`SELECT count(*) AS n FROM outbox WHERE state = 'pending' ${scope.sql}`).get(
        ...scope.args,
      ) as {
        n: number;
      }
    ).n;
  }

  /** Entries set aside as failed (the server refused them), waiting for the user. */
  failedCount(threadPks?: number[]): number {
    const scope = inThreads(threadPks);
    return (
      this.sql(`SELECT count(*) AS n FROM outbox WHERE state = 'failed' ${scope.sql}`).get(...scope.args) as {
        n: number;
      }
    ).n;
  }

  /** The servers that entries (of these threads) and thread changes wait for. */
  queuedServers(userServer: string, threadPks?: number[]): string[] {
    const scope = inThreads(threadPks);
    const rows = this.sql(
      `SELECT coalesce(server, ?) AS server FROM outbox WHERE state = 'pending' ${scope.sql}
       UNION SELECT coalesce(server, ?) FROM pending_thread_changes WHERE last_error IS NULL
       UNION SELECT coalesce(m.server, ?) FROM pending_marks m JOIN entries e ON e.pk = m.entry_pk
             WHERE m.last_error IS NULL ${scope.sql}
       UNION SELECT coalesce(p.server, ?) FROM pending_revisions p JOIN entry_revisions r ON r.pk = p.revision_pk
             JOIN entries e ON e.pk = r.entry_pk WHERE p.last_error IS NULL ${scope.sql}`,
    ).all(userServer, ...scope.args, userServer, userServer, ...scope.args, userServer, ...scope.args) as {
      server: string;
    }[];
    return rows.map((r) => r.server);
  }

  /** Pending and failed entries per server they wait for. */
  byServer(userServer: string): { url: string; pending: number; failed: number }[] {
    return this.sql(
      `SELECT coalesce(server, ?) AS url, sum(state = 'pending') AS pending, sum(state = 'failed') AS failed
       FROM outbox GROUP BY 1 ORDER BY 1`,
    ).all(userServer) as { url: string; pending: number; failed: number }[];
  }

  /** Everything queued, failed first, for `vlt sync queue`. */
  entries(userServer: string): QueuedEntry[] {
    return this.sql(
      `SELECT t.project_id AS project, t.slug AS thread, e.id AS entryId, e.seq, o.attempts,
              o.last_error AS lastError, o.state, coalesce(o.server, ?) AS server
       FROM outbox o JOIN entries e ON e.pk = o.entry_pk JOIN threads t ON t.pk = o.thread_pk
       ORDER BY o.state DESC, t.project_id, t.slug, e.seq`,
    ).all(userServer) as QueuedEntry[];
  }

  /** The thread's entries pending for `to`, in sequence order (the first `limit` of them). */
  pendingFor(threadPk: number, to: Destination, limit?: number): PendingEntry[] {
    return this.sql(
      `SELECT o.entry_pk, e.id, e.seq,
              coalesce((SELECT r.content FROM entry_revisions r WHERE r.revision_id = e.id), e.content) AS content,
              e.author, e.timestamp FROM outbox o
       JOIN entries e ON e.pk = o.entry_pk
       WHERE o.thread_pk = ? AND o.state = 'pending' AND ${FOR_SERVER('o')} ORDER BY e.seq LIMIT ?`,
    ).all(threadPk, ...here(to), limit ?? -1) as PendingEntry[];
  }

  /**
   * The server has these entries, and the thread up to `watermark`: one transaction, committed
   * without waiting for the disk (WAL with synchronous = NORMAL, for this commit only: the vault's
   * other commits keep FULL). A power cut can undo it, never half of it; the entries are then sent
   * again and the server counts them as duplicates. A drain of 10,000 entries commits 100 of these.
   */
  acknowledge(threadPk: number, entryPks: number[], watermark: number): void {
    const write = this.db.transaction(() => {
      const remove = this.sql('DELETE FROM outbox WHERE entry_pk = ?');
      for (const pk of entryPks) remove.run(pk);
      this.sql(
        `INSERT INTO sync_watermarks (thread_pk, server_seq, last_sync_at) VALUES (?, ?, ?)
         ON CONFLICT (thread_pk) DO UPDATE SET server_seq = excluded.server_seq, last_sync_at = excluded.last_sync_at`,
      ).run(threadPk, watermark, new Date().toISOString());
    });
    // Synchronous from here to the FULL again: nothing else can commit on this connection between.
    this.db.pragma('synchronous = NORMAL');
    try {
      write();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** The server refused this entry for itself: it waits, failed, with the reason. */
  setAside(entryPk: number, reason: string): void {
    this.sql(
      `UPDATE outbox SET state = 'failed', last_error = ?, attempts = attempts + 1 WHERE entry_pk = ?`,
    ).run(reason, entryPk);
  }

  /** A try that may pass (network, 5xx, 429): the entries stay pending, with why and one attempt more. */
  postpone(entryPks: number[], reason: string): void {
    // Only those still pending: another process may have set one aside meanwhile (a CONFLICT), and
    // its reason stands.
    const postpone = this.sql(
      `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE entry_pk = ? AND state = 'pending'`,
    );
    this.db.transaction(() => {
      for (const pk of entryPks) postpone.run(reason, pk);
    })();
  }

  // ---- how far the server has each thread -----------------------------------------------------

  /** The server's contiguous watermark of the thread as last seen; −1 when it never had it. */
  serverSeq(threadPk: number): number {
    return (
      (
        this.sql('SELECT server_seq FROM sync_watermarks WHERE thread_pk = ?').get(threadPk) as
          { server_seq: number } | undefined
      )?.server_seq ?? -1
    );
  }

  /** Whether the server has had this thread (a push was acknowledged, or it came from a pull). */
  onServer(threadPk: number): boolean {
    return this.sql('SELECT 1 FROM sync_watermarks WHERE thread_pk = ?').get(threadPk) !== undefined;
  }

  /** Every thread's sync state (threads with nothing to say are absent: serverSeq −1, nothing queued). */
  threadStates(): Map<number, ThreadSyncState> {
    const rows = this.sql(
      `SELECT t.pk, coalesce(w.server_seq, -1) AS serverSeq, coalesce(c.from_project, t.project_id) AS serverProject,
              c.thread_pk IS NOT NULL AS changing,
              coalesce(q.pending, 0) AS pending, coalesce(q.failed, 0) AS failed
       FROM threads t
       LEFT JOIN sync_watermarks w ON w.thread_pk = t.pk
       LEFT JOIN pending_thread_changes c ON c.thread_pk = t.pk
       LEFT JOIN (SELECT thread_pk, sum(state = 'pending') AS pending, sum(state = 'failed') AS failed
                  FROM outbox GROUP BY thread_pk) q ON q.thread_pk = t.pk
       WHERE w.thread_pk IS NOT NULL OR c.thread_pk IS NOT NULL OR q.thread_pk IS NOT NULL`,
    ).all() as (Omit<ThreadSyncState, 'changing'> & { pk: number; changing: number })[];
    return new Map(rows.map(({ pk, changing, ...state }) => [pk, { ...state, changing: changing === 1 }]));
  }

  // ---- after a pull: entries the server has, renumbering, the watermark -------------------------

  /** The thread's entries the server has not acknowledged (to renumber after the server's). */
  unacknowledged(threadPk: number): { pk: number; id: string; seq: number }[] {
    return this.sql(
      `SELECT e.pk, e.id, e.seq FROM entries e JOIN outbox o ON o.entry_pk = e.pk WHERE e.thread_pk = ? ORDER BY e.seq`,
    ).all(threadPk) as { pk: number; id: string; seq: number }[];
  }

  /** The server has this entry after all (a pull brought it): it waits no more. */
  received(entryPk: number): void {
    this.sql('DELETE FROM outbox WHERE entry_pk = ?').run(entryPk);
  }

  /**
   * After a pull renumbered the thread: the server has every entry without an outbox row, up to
   * the first gap; the watermark only ever rises.
   */
  settleWatermark(threadPk: number): void {
    const seqs = this.sql(
      `SELECT e.seq, o.entry_pk IS NOT NULL AS queued FROM entries e LEFT JOIN outbox o ON o.entry_pk = e.pk
       WHERE e.thread_pk = ? ORDER BY e.seq`,
    ).all(threadPk) as { seq: number; queued: number }[];
    let watermark = -1;
    for (const row of seqs) {
      if (row.seq !== watermark + 1 || row.queued) break;
      watermark = row.seq;
    }
    this.sql(
      `INSERT INTO sync_watermarks (thread_pk, server_seq, last_sync_at) VALUES (?, ?, ?)
       ON CONFLICT (thread_pk) DO UPDATE SET server_seq = max(server_seq, excluded.server_seq), last_sync_at = excluded.last_sync_at`,
    ).run(threadPk, watermark, new Date().toISOString());
  }

  // ---- pull cursors ------------------------------------------------------------------------------

  cursor(key: string): string | undefined {
    return (this.sql('SELECT value FROM sync_meta WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  setCursor(key: string, value: string): void {
    this.sql(
      'INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  // ---- thread changes (moves, statuses) the server has not had -------------------------------------

  /** Threads with a change for `to`, oldest first (sent before any thread's entries). */
  changing(to: Destination): ThreadToSync[] {
    return this.sql(
      `SELECT t.pk, t.project_id, t.slug, t.status, t.created_at, c.from_project AS move_from,
              c.status_changed, NULL AS change_refused
       FROM pending_thread_changes c JOIN threads t ON t.pk = c.thread_pk
       WHERE c.last_error IS NULL AND ${FOR_SERVER('c')}
       ORDER BY t.updated_at`,
    ).all(...here(to)) as ThreadToSync[];
  }

  /** Threads (of these) with entries pending for `to`, with their change for `to` if any. */
  sending(to: Destination, threadPks?: number[]): ThreadToSync[] {
    const scope = threadPks ? 'AND t.pk IN (SELECT value FROM json_each(?))' : '';
    return this.sql(
      `SELECT t.pk, t.project_id, t.slug, t.status, t.created_at, c.from_project AS move_from,
              c.status_changed, c.last_error AS change_refused
       FROM threads t LEFT JOIN pending_thread_changes c ON c.thread_pk = t.pk AND ${FOR_SERVER('c')}
       WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.thread_pk = t.pk AND o.state = 'pending' AND ${FOR_SERVER('o')})
         ${scope}
       ORDER BY t.updated_at`,
    ).all(...here(to), ...here(to), ...(threadPks ? [JSON.stringify(threadPks)] : [])) as ThreadToSync[];
  }

  /** Thread changes, tags and links waiting to be sent (not those refused: they wait for the user). */
  changeCount(): number {
    return (
      this.sql(
        `SELECT (SELECT count(*) FROM pending_thread_changes WHERE last_error IS NULL)
              + (SELECT count(*) FROM pending_marks WHERE last_error IS NULL)
              + (SELECT count(*) FROM pending_revisions WHERE last_error IS NULL) AS n`,
      ).get() as {
        n: number;
      }
    ).n;
  }

  /** Every thread change, for `vlt sync queue`. */
  changes(userServer: string): QueuedChange[] {
    return this.sql(
      `SELECT t.project_id AS project, t.slug AS thread, coalesce(c.from_project, t.project_id) AS serverProject,
              c.from_project IS NOT NULL AS moved, CASE WHEN c.status_changed THEN t.status END AS status,
              CASE WHEN c.last_error IS NULL THEN 'pending' ELSE 'failed' END AS state, c.last_error AS lastError,
              coalesce(c.server, ?) AS server
       FROM pending_thread_changes c JOIN threads t ON t.pk = c.thread_pk ORDER BY t.project_id, t.slug`,
    ).all(userServer) as QueuedChange[];
  }

  /**
   * `vlt thread move` moved the thread from `fromProject` to `toProject` (in the move's
   * transaction): if the server has it, the move waits to be sent, from where the server keeps it
   * (kept from an earlier move not sent yet; none when it moves back there). A move refused
   * before is tried again, and the thread's entries set aside go again, to the new place.
   */
  recordMove(threadPk: number, fromProject: string, toProject: string, server: string | null): void {
    if (this.onServer(threadPk)) {
      this.sql(
        `INSERT INTO pending_thread_changes (thread_pk, from_project, server) VALUES (?, ?, ?)
         ON CONFLICT (thread_pk) DO UPDATE SET from_project = coalesce(from_project, excluded.from_project), last_error = NULL`,
      ).run(threadPk, fromProject, server);
      this.sql(
        'UPDATE pending_thread_changes SET from_project = NULL WHERE thread_pk = ? AND from_project = ?',
      ).run(threadPk, toProject);
      this.settle(threadPk);
    }
    this.retry(threadPk);
  }

  /** `vlt thread status` set the thread's status (in its transaction): it waits to be sent if the server has the thread. */
  recordStatus(threadPk: number, server: string | null): void {
    if (!this.onServer(threadPk)) return;
    this.sql(
      `INSERT INTO pending_thread_changes (thread_pk, status_changed, server) VALUES (?, 1, ?)
       ON CONFLICT (thread_pk) DO UPDATE SET status_changed = 1`,
    ).run(threadPk, server);
  }

  /** The server moved the thread to `sentTo`: done, unless it moved again meanwhile. */
  moveSent(threadPk: number, sentTo: string): void {
    this.sql(
      `UPDATE pending_thread_changes SET from_project = nullif(?, (SELECT project_id FROM threads WHERE pk = thread_pk))
       WHERE thread_pk = ?`,
    ).run(sentTo, threadPk);
  }

  /** The server has the status `sent`: done, unless it changed again meanwhile. */
  statusSent(threadPk: number, sent: string): void {
    this.sql(
      `UPDATE pending_thread_changes SET status_changed = 0
       WHERE thread_pk = ? AND (SELECT status FROM threads WHERE pk = thread_pk) = ?`,
    ).run(threadPk, sent);
  }

  /** Drops a thread's change once nothing is left of it (moved, status sent, nothing refused). */
  settle(threadPk: number): void {
    this.sql(
      `DELETE FROM pending_thread_changes
       WHERE thread_pk = ? AND from_project IS NULL AND NOT status_changed AND last_error IS NULL`,
    ).run(threadPk);
  }

  /**
   * The server refused the thread's change: it waits for the user with the reason, and the
   * thread's entries pending for `to` wait with it (they would land at the old place). Returns how many.
   */
  refuseChange(threadPk: number, reason: string, to: Destination): number {
    return this.db.transaction(() => {
      this.sql('UPDATE pending_thread_changes SET last_error = ? WHERE thread_pk = ?').run(reason, threadPk);
      return this.sql(
        `UPDATE outbox SET state = 'failed', last_error = ? WHERE thread_pk = ? AND state = 'pending' AND ${FOR_SERVER('outbox')}`,
      ).run(reason, threadPk, ...here(to)).changes;
    })();
  }

  /** A refused change is tried again (`vlt sync thread`). */
  retryChange(threadPk: number): void {
    this.sql('UPDATE pending_thread_changes SET last_error = NULL WHERE thread_pk = ?').run(threadPk);
  }

  /** What is left of the thread's move or status change after a sync: the refusal, or that it waits. */
  changeLeft(threadPk: number, change: 'move' | 'status'): { refused: string | null } | undefined {
    return this.sql(
      `SELECT last_error AS refused FROM pending_thread_changes
       WHERE thread_pk = ? AND ${change === 'move' ? 'from_project IS NOT NULL' : 'status_changed'}`,
    ).get(threadPk) as { refused: string | null } | undefined;
  }

  /** Where the server keeps the thread: its project, or the one a move not yet sent left. */
  serverProject(threadPk: number, project: string): string {
    return (
      (
        this.sql('SELECT from_project FROM pending_thread_changes WHERE thread_pk = ?').get(threadPk) as
          { from_project: string | null } | undefined
      )?.from_project ?? project
    );
  }

  // ---- a pull following the server's moves and statuses --------------------------------------------

  /** This vault's thread that `vlt thread move` moved away from where the server keeps it, if any. */
  movedAway(project: string, slug: string): { pk: number; project: string } | undefined {
    return this.sql(
      `SELECT t.pk, t.project_id AS project FROM pending_thread_changes c JOIN threads t ON t.pk = c.thread_pk
       WHERE c.from_project = ? AND t.slug = ?`,
    ).get(project, slug) as { pk: number; project: string } | undefined;
  }

  /** This vault's copy of the server's thread at `project`, where the server has it too, if any. */
  copyAt(project: string, slug: string): { pk: number; project: string } | undefined {
    return this.sql(
      `SELECT t.pk, t.project_id AS project FROM threads t JOIN sync_watermarks w ON w.thread_pk = t.pk
       WHERE t.project_id = ? AND t.slug = ?
         AND NOT EXISTS (SELECT 1 FROM pending_thread_changes c WHERE c.thread_pk = t.pk AND c.from_project IS NOT NULL)`,
    ).get(project, slug) as { pk: number; project: string } | undefined;
  }

  /**
   * The server moved a thread this vault had moved itself: to where it is here (nothing left to
   * send), or elsewhere (the vault's move is then sent from the server's new place).
   */
  serverMoved(threadPk: number, serverProject: string, here: string): void {
    if (serverProject === here) {
      this.sql(
        'UPDATE pending_thread_changes SET from_project = NULL, last_error = NULL WHERE thread_pk = ?',
      ).run(threadPk);
      this.settle(threadPk);
    } else {
      this.sql('UPDATE pending_thread_changes SET from_project = ? WHERE thread_pk = ?').run(
        serverProject,
        threadPk,
      );
    }
  }

  /** The server moved a thread to a place another thread of this vault holds: the clash waits for the user. */
  serverMoveClashes(threadPk: number, serverProject: string, reason: string, server: string): void {
    this.sql(
      `INSERT INTO pending_thread_changes (thread_pk, from_project, last_error, server) VALUES (?, ?, ?, ?)
       ON CONFLICT (thread_pk) DO UPDATE SET from_project = excluded.from_project, last_error = excluded.last_error`,
    ).run(threadPk, serverProject, reason, server);
  }

  /** Whether the thread's own status waits to be sent (a pulled one does not overwrite it). */
  statusWaits(threadPk: number): boolean {
    return (
      this.sql('SELECT 1 FROM pending_thread_changes WHERE thread_pk = ? AND status_changed').get(
        threadPk,
      ) !== undefined
    );
  }

  // ---- tags and links the server has not had ------------------------------------------------------

  /** A tag just added to an entry (in its transaction): it waits for `server`. */
  recordTag(entryPk: number, tag: string, server: string | null): void {
    this.sql('INSERT INTO pending_marks (entry_pk, tag, server) VALUES (?, ?, ?)').run(entryPk, tag, server);
  }

  /** A link just made or given a new note (in its transaction): it waits, in place of an older one. */
  recordLink(
    entryPk: number,
    targetThreadPk: number,
    note: string | null,
    at: string,
    server: string | null,
  ): void {
    this.sql('DELETE FROM pending_marks WHERE entry_pk = ? AND target_thread_pk = ?').run(
      entryPk,
      targetThreadPk,
    );
    this.sql(
      'INSERT INTO pending_marks (entry_pk, target_thread_pk, note, at, server) VALUES (?, ?, ?, ?, ?)',
    ).run(entryPk, targetThreadPk, note, at, server);
  }

  /**
   * Tags and links for `to` (of entries of these threads) whose entry the server has (it waits in
   * the outbox no more), oldest first.
   */
  marksFor(to: Destination, threadPks: number[] | undefined, limit: number): PendingMark[] {
    const scope = inThreads(threadPks);
    return this.sql(
      `SELECT m.pk, e.id AS entryId, m.tag, coalesce(c.from_project, t.project_id) AS targetProject,
              t.slug AS targetThread, m.note, m.at
       FROM pending_marks m JOIN entries e ON e.pk = m.entry_pk
       LEFT JOIN threads t ON t.pk = m.target_thread_pk
       LEFT JOIN pending_thread_changes c ON c.thread_pk = t.pk
       WHERE m.last_error IS NULL AND ${FOR_SERVER('m')}
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entry_pk = m.entry_pk)
         ${scope.sql.replace('thread_pk', 'e.thread_pk')}
       ORDER BY m.pk LIMIT ?`,
    ).all(...here(to), ...scope.args, limit) as PendingMark[];
  }

  /** The server has these tags and links (or no longer has their entries): they wait no more. */
  marksSent(pks: number[]): void {
    this.sql('DELETE FROM pending_marks WHERE pk IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(pks),
    );
  }

  /** The server refused these for themselves: they wait, with the reason, in `vlt sync queue`. */
  refuseMarks(pks: number[], reason: string): void {
    this.sql('UPDATE pending_marks SET last_error = ? WHERE pk IN (SELECT value FROM json_each(?))').run(
      reason,
      JSON.stringify(pks),
    );
  }

  /** Tags and links waiting to be sent (not those refused). */
  markCount(): number {
    return (
      this.sql('SELECT count(*) AS n FROM pending_marks WHERE last_error IS NULL').get() as { n: number }
    ).n;
  }

  /** Edits and deletions waiting to be sent (not those refused). */
  revisionCount(): number {
    return (
      this.sql('SELECT count(*) AS n FROM pending_revisions WHERE last_error IS NULL').get() as { n: number }
    ).n;
  }

  /** A tag or link of this entry still waiting after a sync: the refusal, or that it waits. */
  markLeft(entryPk: number): { refused: string | null } | undefined {
    return this.sql(
      'SELECT last_error AS refused FROM pending_marks WHERE entry_pk = ? ORDER BY last_error IS NULL LIMIT 1',
    ).get(entryPk) as { refused: string | null } | undefined;
  }

  /** Tags and links waiting or refused, for `vlt sync queue`. */
  marks(userServer: string): QueuedMark[] {
    return this.sql(
      `SELECT t.project_id AS project, t.slug AS thread, e.id AS entryId, e.seq, m.tag,
              CASE WHEN m.target_thread_pk IS NULL THEN NULL ELSE tt.project_id || '/' || tt.slug END AS link,
              CASE WHEN m.last_error IS NULL THEN 'pending' ELSE 'failed' END AS state, m.last_error AS lastError,
              coalesce(m.server, ?) AS server
       FROM pending_marks m JOIN entries e ON e.pk = m.entry_pk JOIN threads t ON t.pk = e.thread_pk
       LEFT JOIN threads tt ON tt.pk = m.target_thread_pk
       ORDER BY m.pk`,
    ).all(userServer) as QueuedMark[];
  }

  /** The entry became a tombstone: its tags and links waiting to be sent go nowhere. */
  dropMarks(entryPk: number): void {
    this.sql('DELETE FROM pending_marks WHERE entry_pk = ?').run(entryPk);
  }

  // ---- edits and deletions the server has not had ---------------------------------------------------

  /** An edit or a deletion just made here (in its transaction): it waits for `server`. */
  recordRevision(revisionPk: number, server: string | null): void {
    this.sql('INSERT OR IGNORE INTO pending_revisions (revision_pk, server) VALUES (?, ?)').run(
      revisionPk,
      server,
    );
  }

  /** Edits and deletions for `to` (of entries of these threads) whose entry the server has, oldest first. */
  revisionsFor(to: Destination, threadPks: number[] | undefined, limit: number): PendingRevision[] {
    const scope = inThreads(threadPks);
    return this.sql(
      `SELECT p.revision_pk AS pk, e.id AS entryId, r.revision_id AS revisionId, r.content, r.deleted, r.at
       FROM pending_revisions p JOIN entry_revisions r ON r.pk = p.revision_pk JOIN entries e ON e.pk = r.entry_pk
       WHERE p.last_error IS NULL AND ${FOR_SERVER('p')}
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entry_pk = e.pk)
         ${scope.sql.replace('thread_pk', 'e.thread_pk')}
       ORDER BY p.revision_pk LIMIT ?`,
    ).all(...here(to), ...scope.args, limit) as PendingRevision[];
  }

  /** The server has this edit or deletion (or no longer has its entry): it waits no more. */
  revisionSent(revisionPk: number): void {
    this.sql('DELETE FROM pending_revisions WHERE revision_pk = ?').run(revisionPk);
  }

  /** The server refused it for itself: it waits, with the reason, in `vlt sync queue`. */
  refuseRevision(revisionPk: number, reason: string): void {
    this.sql('UPDATE pending_revisions SET last_error = ? WHERE revision_pk = ?').run(reason, revisionPk);
  }

  /** This edit or deletion, still waiting after a sync: the refusal, or that it waits. */
  revisionLeft(revisionPk: number): { refused: string | null } | undefined {
    return this.sql('SELECT last_error AS refused FROM pending_revisions WHERE revision_pk = ?').get(
      revisionPk,
    ) as { refused: string | null } | undefined;
  }

  /** Edits and deletions waiting or refused, for `vlt sync queue`. */
  revisions(userServer: string): QueuedRevision[] {
    return this.sql(
      `SELECT t.project_id AS project, t.slug AS thread, e.id AS entryId, e.seq,
              CASE WHEN r.deleted THEN 'delete' ELSE 'edit' END AS kind,
              CASE WHEN p.last_error IS NULL THEN 'pending' ELSE 'failed' END AS state, p.last_error AS lastError,
              coalesce(p.server, ?) AS server
       FROM pending_revisions p JOIN entry_revisions r ON r.pk = p.revision_pk
       JOIN entries e ON e.pk = r.entry_pk JOIN threads t ON t.pk = e.thread_pk
       ORDER BY p.revision_pk`,
    ).all(userServer) as QueuedRevision[];
  }
}
