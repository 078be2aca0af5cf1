// The write hot path: creating a thread and appending an entry, in plain prepared SQL so that
// `vlt thread push` does not load the query builder. Tables are those of schema.ts.
import { notFound, VltError } from '../../shared/errors.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { uuidv7, type RandomFill } from '../../shared/uuidv7.js';
import type { Sqlite } from './open.js';
import { Outbox } from './outbox.js';

export interface WrittenEntry {
  threadPk: number;
  project: string;
  thread: string;
  entryId: string;
  seq: number;
  timestamp: string;
  /** The thread had every entry deleted (`vlt thread delete`): this entry starts it again. */
  restarted?: true;
}

interface EntryInput {
  project: string;
  slug: string;
  content: string;
  author: string;
  /**
   * The server in force as it is written: the one its outbox row goes to, and no other; null for
   * the user's own server at sync time (never one a project file names).
   */
  server: string | null;
}

export const unknownThread = (project: string, slug: string): VltError =>
  notFound(
    `no thread '${project}/${slug}': see \`vlt thread list --all\`, or create it with \`vlt thread new ${project}/${slug} "first entry"\``,
  );

/**
 * Entry ids take their random bits from /dev/urandom where there is one: loading Node's crypto
 * costs a push about 6 ms of its start-up; the kernel's generator is the same source.
 */
const urandomFill: RandomFill = (bytes) => {
  let fd: number | undefined;
  try {
    fd = openSync('/dev/urandom', 'r');
    if (readSync(fd, bytes) === bytes.length) return;
  } catch {
    // No /dev/urandom (Windows): Web Crypto below.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  globalThis.crypto.getRandomValues(bytes);
};

interface ThreadHead {
  pk: number;
  last_seq: number;
  last_id: string | null;
}

/** A thread with entries, none of them left (all deleted). */
const allDeleted = (db: Sqlite, head: ThreadHead) =>
  head.last_seq >= 0 &&
  !db.prepare('SELECT 1 FROM entries WHERE thread_pk = ? AND deleted = 0 LIMIT 1').get(head.pk);

const HEAD_SQL = `SELECT t.pk, t.last_seq, e.id AS last_id FROM threads t
  LEFT JOIN entries e ON e.thread_pk = t.pk AND e.seq = t.last_seq
  WHERE t.project_id = ? AND t.slug = ?`;

function append(db: Sqlite, head: ThreadHead, input: EntryInput, timestamp: string): WrittenEntry {
  const seq = head.last_seq + 1;
  const id = uuidv7(Date.now(), urandomFill);
  const { lastInsertRowid } = db
    .prepare(
      'INSERT INTO entries (id, thread_pk, seq, prev_id, content, author, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(id, head.pk, seq, head.last_id, input.content, input.author, timestamp);
  db.prepare('UPDATE threads SET last_seq = ?, updated_at = ? WHERE pk = ?').run(seq, timestamp, head.pk);
  new Outbox(db).queue(lastInsertRowid, head.pk, timestamp, input.server);
  return { threadPk: head.pk, project: input.project, thread: input.slug, entryId: id, seq, timestamp };
}

/**
 * Appends an entry and its outbox row in one transaction. BEGIN IMMEDIATE takes the write lock
 * before the sequence is read, so concurrent pushes wait on the lock (busy_timeout) and each
 * gets the next sequence; the unique (thread, seq) index is the last guard.
 */
export function pushEntry(db: Sqlite, input: EntryInput): WrittenEntry {
  return db
    .transaction(() => {
      const head = db.prepare(HEAD_SQL).get(input.project, input.slug) as ThreadHead | undefined;
      if (!head) throw unknownThread(input.project, input.slug);
      const restarted = allDeleted(db, head);
      const written = append(db, head, input, new Date().toISOString());
      return restarted ? { ...written, restarted: true as const } : written;
    })
    .immediate();
}

/** Creates the thread (and its project if new) with entry 0, in one transaction. */
export function createThread(db: Sqlite, input: EntryInput & { projectName: string }): WrittenEntry {
  return db
    .transaction(() => {
      db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(
        input.project,
        input.projectName,
      );
      const existing = db.prepare(HEAD_SQL).get(input.project, input.slug) as ThreadHead | undefined;
      // A deleted thread's name is free again: the new first entry continues after its numbers.
      if (existing && allDeleted(db, existing)) {
        return { ...append(db, existing, input, new Date().toISOString()), restarted: true as const };
      }
      if (existing) {
        throw new VltError(
          `thread '${input.project}/${input.slug}' already exists: add to it with \`vlt thread push ${input.slug} "…"\``,
        );
      }
      const timestamp = new Date().toISOString();
      const { lastInsertRowid } = db
        .prepare('INSERT INTO threads (project_id, slug, updated_at) VALUES (?, ?, ?)')
        .run(input.project, input.slug, timestamp);
      return append(db, { pk: Number(lastInsertRowid), last_seq: -1, last_id: null }, input, timestamp);
    })
    .immediate();
}

// ---- entries from an export (`vlt import`), inside the import's one transaction -----------------

/** A thread from an export, made with its own status and creation time; returns its pk. */
export function importThread(
  db: Sqlite,
  thread: { project: string; projectName: string; slug: string; status: string; createdAt: string },
): number {
  db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(
    thread.project,
    thread.projectName,
  );
  const { lastInsertRowid } = db
    .prepare('INSERT INTO threads (project_id, slug, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(thread.project, thread.slug, thread.status, thread.createdAt, thread.createdAt);
  return Number(lastInsertRowid);
}

/**
 * An entry from an export at its own id, sequence, author and time, appended after the thread's
 * last entry (`entry.seq` is `last_seq + 1`), and queued for `server` like any written entry (a
 * deleted one as a tombstone, content "", which the server takes as one). Returns its pk.
 */
export function importEntry(
  db: Sqlite,
  threadPk: number,
  entry: { id: string; seq: number; content: string; author: string; timestamp: string; deleted?: true },
  server: string | null,
  outbox = new Outbox(db),
): number {
  const head = db.prepare('SELECT last_seq FROM threads WHERE pk = ?').get(threadPk) as
    { last_seq: number } | undefined;
  if (!head || head.last_seq + 1 !== entry.seq) {
    throw new Error(`imported entry ${entry.seq} does not follow the thread's last (${head?.last_seq})`);
  }
  const prev = db
    .prepare('SELECT id FROM entries WHERE thread_pk = ? AND seq = ?')
    .get(threadPk, head.last_seq) as { id: string } | undefined;
  const { lastInsertRowid } = db
    .prepare(
      'INSERT INTO entries (id, thread_pk, seq, prev_id, content, author, timestamp, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      entry.id,
      threadPk,
      entry.seq,
      prev?.id ?? null,
      entry.content,
      entry.author,
      entry.timestamp,
      entry.deleted ? 1 : 0,
    );
  db.prepare('UPDATE threads SET last_seq = ?, updated_at = max(updated_at, ?) WHERE pk = ?').run(
    entry.seq,
    entry.timestamp,
    threadPk,
  );
  outbox.queue(lastInsertRowid, threadPk, new Date().toISOString(), server);
  return Number(lastInsertRowid);
}
