// Drains the outbox to one server: per thread, the pending entries recorded for that server, in
// sequence order, in batches of at most 100 entries and 1 MiB. The outbox row is deleted only
// once the server has the entry. An entry goes only to the server recorded with it.
import type { Sqlite } from '../vault/open.js';
import { settleThreadChange } from '../vault/thread-changes.js';
import { classify, type Api, type Failure } from './client.js';

export const MAX_BATCH_ENTRIES = 100;
/** Below the server's 1 MiB body limit, with room for the request's own JSON. */
export const MAX_BATCH_BYTES = 1_000_000;
const ENTRY_OVERHEAD_BYTES = 300;

export interface SyncOptions {
  /** Only these threads (by local pk); all threads with pending entries otherwise. */
  threadPks?: number[];
  /** Epoch ms after which no new request starts. */
  deadline?: number;
  /** Entries the server has from this drain so far (sent or already there). */
  onSent?: (sent: number) => void;
}

/** The server one drain sends to; rows that recorded none belong to the user's own server. */
export interface Destination {
  server: string;
  userServer: string;
}

export interface SyncResult {
  sent: number;
  duplicates: number;
  failed: number;
  threads: number;
  /** Threads whose server copy moved where `vlt thread move` had moved them. */
  moved: number;
  /** Threads whose status `vlt thread status` changed, now changed on the server too. */
  changed: number;
  /** Why it stopped before the outbox was empty, if it did. */
  stop?: Failure | { kind: 'deadline'; message: string };
}

/** The server a row of the outbox or of pending_thread_changes goes to (two parameters: the user's server, the server). */
const FOR_SERVER = (alias: string) => `coalesce(${alias}.server, ?) = ?`;

interface ThreadToSync {
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

interface PendingEntry {
  entry_pk: number;
  id: string;
  seq: number;
  content: string;
  author: string;
  timestamp: string;
}

/** Capped exponential backoff with jitter: about 1 s, 2 s, 4 s … up to 5 min. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + random()));
}

/**
 * The servers that entries and thread changes wait for (of these threads, and every thread
 * change), as recorded with them; the user's own server for rows that recorded none.
 */
export function queuedServers(db: Sqlite, userServer: string, threadPks?: number[]): string[] {
  const filter = threadPks ? `AND thread_pk IN (SELECT value FROM json_each(?))` : '';
  const rows = db
    .prepare(
      `SELECT coalesce(server, ?) AS server FROM outbox WHERE state = 'pending' ${filter}
       UNION SELECT coalesce(server, ?) FROM pending_thread_changes WHERE last_error IS NULL`,
    )
    .all(userServer, ...(threadPks ? [JSON.stringify(threadPks)] : []), userServer) as { server: string }[];
  return rows.map((r) => r.server);
}

/** Pending entries, per server they wait for (the user's own for rows that recorded none). */
export function pendingByServer(
  db: Sqlite,
  userServer: string,
): { url: string; pending: number; failed: number }[] {
  return db
    .prepare(
      `SELECT coalesce(server, ?) AS url, sum(state = 'pending') AS pending, sum(state = 'failed') AS failed
       FROM outbox GROUP BY 1 ORDER BY 1`,
    )
    .all(userServer) as { url: string; pending: number; failed: number }[];
}

export function pendingCount(db: Sqlite, threadPks?: number[]): number {
  const filter = threadPks ? `AND thread_pk IN (SELECT value FROM json_each(?))` : '';
  const args = threadPks ? [JSON.stringify(threadPks)] : [];
  return (
    db.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'pending' ${filter}`).get(...args) as {
      n: number;
    }
  ).n;
}

/** Thread changes to send (not the moves the server refused: they wait for the user). */
export function pendingChanges(db: Sqlite): number {
  return (
    db.prepare('SELECT count(*) AS n FROM pending_thread_changes WHERE last_error IS NULL').get() as {
      n: number;
    }
  ).n;
}

/** Sends what waits for `to.server` (with an API client for that server, and its token only). */
export async function syncOutbox(
  db: Sqlite,
  api: Api,
  to: Destination,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const result: SyncResult = { sent: 0, duplicates: 0, failed: 0, threads: 0, moved: 0, changed: 0 };
  const here = [to.userServer, to.server];
  const filter = options.threadPks ? `AND t.pk IN (SELECT value FROM json_each(?))` : '';
  // Threads with a change to send go first, whatever the filter (a new thread of a moved thread's
  // old name may be waiting to be sent), then the threads with entries to send.
  const changing = db
    .prepare(
      `SELECT t.pk, t.project_id, t.slug, t.status, t.created_at, c.from_project AS move_from,
              c.status_changed, NULL AS change_refused
       FROM pending_thread_changes c JOIN threads t ON t.pk = c.thread_pk
       WHERE c.last_error IS NULL AND ${FOR_SERVER('c')}
       ORDER BY t.updated_at`,
    )
    .all(...here) as ThreadToSync[];
  const sending = db
    .prepare(
      `SELECT t.pk, t.project_id, t.slug, t.status, t.created_at, c.from_project AS move_from,
              c.status_changed, c.last_error AS change_refused
       FROM threads t LEFT JOIN pending_thread_changes c ON c.thread_pk = t.pk AND ${FOR_SERVER('c')}
       WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.thread_pk = t.pk AND o.state = 'pending' AND ${FOR_SERVER('o')})
         ${filter}
       ORDER BY t.updated_at`,
    )
    .all(
      ...here,
      ...here,
      ...(options.threadPks ? [JSON.stringify(options.threadPks)] : []),
    ) as ThreadToSync[];
  const threads = [...changing, ...sending.filter((t) => !changing.some((c) => c.pk === t.pk))];
  const pending = db.prepare(
    `SELECT o.entry_pk, e.id, e.seq, e.content, e.author, e.timestamp FROM outbox o
     JOIN entries e ON e.pk = o.entry_pk
     WHERE o.thread_pk = ? AND o.state = 'pending' AND ${FOR_SERVER('o')} ORDER BY e.seq`,
  );
  const acknowledge = db.transaction((thread: ThreadToSync, batch: PendingEntry[], watermark: number) => {
    const remove = db.prepare('DELETE FROM outbox WHERE entry_pk = ?');
    for (const entry of batch) remove.run(entry.entry_pk);
    db.prepare(
      `INSERT INTO sync_watermarks (thread_pk, server_seq, last_sync_at, last_error) VALUES (?, ?, ?, NULL)
       ON CONFLICT (thread_pk) DO UPDATE SET server_seq = excluded.server_seq, last_sync_at = excluded.last_sync_at, last_error = NULL`,
    ).run(thread.pk, watermark, new Date().toISOString());
  });
  // Sent: the server has the thread where it was sent (unless it moved again meanwhile), and the
  // status that was sent (unless it changed again meanwhile).
  const moved = db.prepare(
    `UPDATE pending_thread_changes SET from_project = nullif(?, (SELECT project_id FROM threads WHERE pk = thread_pk))
     WHERE thread_pk = ?`,
  );
  const statusSent = db.prepare(
    `UPDATE pending_thread_changes SET status_changed = 0
     WHERE thread_pk = ? AND (SELECT status FROM threads WHERE pk = thread_pk) = ?`,
  );
  const changeRefused = db.transaction((thread: ThreadToSync, reason: string) => {
    db.prepare('UPDATE pending_thread_changes SET last_error = ? WHERE thread_pk = ?').run(reason, thread.pk);
    // Its entries would land in the server's thread at the old place: they wait with the move.
    return db
      .prepare(
        `UPDATE outbox SET state = 'failed', last_error = ? WHERE thread_pk = ? AND state = 'pending' AND ${FOR_SERVER('outbox')}`,
      )
      .run(reason, thread.pk, ...here).changes;
  });
  const setAside = db.prepare(
    `UPDATE outbox SET state = 'failed', last_error = ?, attempts = attempts + 1 WHERE entry_pk = ?`,
  );
  const postpone = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE entry_pk = ?`,
  );

  for (const thread of threads) {
    result.threads++;
    if (thread.change_refused !== null) {
      result.failed += changeRefused(thread, thread.change_refused);
      continue;
    }
    if (thread.move_from !== null || thread.status_changed) {
      if (options.deadline !== undefined && Date.now() > options.deadline) {
        result.stop = { kind: 'deadline', message: 'the time budget for this sync ran out' };
        return result;
      }
      // NOT_FOUND: the server has no such thread there (deleted, or moved from another machine):
      // nothing to change; the thread's new entries go to its new place, with its status.
      const unlessMissing = (error: unknown) => {
        const failure = classify(error);
        if (failure.kind !== 'rejected' || failure.code !== 'NOT_FOUND') throw error;
        return false;
      };
      try {
        if (thread.move_from !== null) {
          const to = { projectId: thread.move_from, threadId: thread.slug, toProjectId: thread.project_id };
          if (await api.threads.move.mutate(to).then(() => true, unlessMissing)) result.moved++;
          moved.run(thread.project_id, thread.pk);
        }
        if (thread.status_changed) {
          const status = { projectId: thread.project_id, threadId: thread.slug, status: thread.status };
          if (await api.threads.setStatus.mutate(status).then(() => true, unlessMissing)) result.changed++;
          statusSent.run(thread.pk, thread.status);
        }
        settleThreadChange(db, thread.pk);
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'rejected') {
          result.failed += changeRefused(
            thread,
            `${failure.code}: ${failure.message} (then \`vlt sync thread ${thread.project_id}/${thread.slug}\`)`,
          );
          continue;
        }
        result.stop = failure;
        return result;
      }
    }
    let batchLimit = MAX_BATCH_ENTRIES;
    for (;;) {
      const entries = pending.all(thread.pk, ...here) as PendingEntry[];
      if (entries.length === 0) break;
      if (options.deadline !== undefined && Date.now() > options.deadline) {
        result.stop = { kind: 'deadline', message: 'the time budget for this sync ran out' };
        return result;
      }
      const batch = takeBatch(entries, batchLimit);
      try {
        const answer = await api.threads.push.mutate({
          projectId: thread.project_id,
          threadId: thread.slug,
          status: thread.status,
          createdAt: new Date(thread.created_at),
          entries: batch.map((e) => ({
            entryId: e.id,
            sequenceId: e.seq,
            content: e.content,
            author: e.author,
            timestamp: new Date(e.timestamp),
          })),
        });
        acknowledge(thread, batch, answer.lastSyncedSequence);
        result.sent += answer.syncedCount;
        result.duplicates += answer.duplicateCount;
        batchLimit = MAX_BATCH_ENTRIES;
        options.onSent?.(result.sent + result.duplicates);
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'too-large' && batch.length > 1) {
          batchLimit = Math.ceil(batch.length / 2);
          continue;
        }
        if (failure.kind === 'too-large' || failure.kind === 'rejected') {
          // The server refuses one entry for itself: set it aside, send the rest.
          const culprit =
            failure.kind === 'rejected' && failure.entryId
              ? batch.find((e) => e.id === failure.entryId)
              : batch.length === 1
                ? batch[0]
                : undefined;
          if (!culprit) {
            batchLimit = Math.ceil(batch.length / 2);
            continue;
          }
          const code = failure.kind === 'rejected' ? failure.code : 'PAYLOAD_TOO_LARGE';
          setAside.run(`${code}: ${failure.message}`, culprit.entry_pk);
          result.failed++;
          continue;
        }
        const at = new Date().toISOString();
        for (const entry of batch) {
          const row = db.prepare('SELECT attempts FROM outbox WHERE entry_pk = ?').get(entry.entry_pk) as
            { attempts: number } | undefined;
          const next = new Date(Date.now() + backoffMs((row?.attempts ?? 0) + 1)).toISOString();
          postpone.run(failure.message, failure.kind === 'unauthorized' ? at : next, entry.entry_pk);
        }
        result.stop = failure;
        return result;
      }
    }
  }
  return result;
}

function takeBatch(entries: PendingEntry[], limit: number): PendingEntry[] {
  const batch: PendingEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry.content)) + ENTRY_OVERHEAD_BYTES;
    if (batch.length > 0 && (batch.length >= limit || bytes + size > MAX_BATCH_BYTES)) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}
