// Threads on the server: the sync endpoint's rules, listing, paging, search and pull. Every
// query is scoped by the user id the caller was authenticated as.
import { TRPCError } from '@trpc/server';
import { sql, type SQL } from 'drizzle-orm';
import { MAX_INT, utf8Length, type ThreadStatus } from '../../shared/names.js';
import type { AnnotateInput, PushInput } from '../../shared/schemas.js';
import { entryLine, headerLine, threadLine } from '../../shared/export-format.js';
import { VERSION } from '../../shared/version.js';
import { scoreOf } from '../../shared/fts5.js';
import { allThenAny, parseSearch } from '../../shared/search-query.js';
import { laterLink, laterRevision } from '../../shared/names.js';
import type { Executor, ServerDb } from '../db/index.js';
import { EntryRejected } from '../errors.js';
import type { Limits } from '../limits.js';

const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decodeCursor<T>(cursor: string, check: (value: unknown) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // Falls through to the error below.
  }
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'invalid cursor: start again without one' });
}
/** Cursors hold the server's own numbers and times: anything else is a client's invention. */
const isNumberCursor = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= -1 && (v as number) <= MAX_INT;
const isListCursor = (v: unknown): v is [string, number] =>
  Array.isArray(v) &&
  v.length === 2 &&
  typeof v[0] === 'string' &&
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v[0]) &&
  isNumberCursor(v[1]);
/** Export's cursor: the thread being written (pk), the last sequence written, the thread's count as announced. */
const isExportCursor = (v: unknown): v is [number, number, number] =>
  Array.isArray(v) && v.length === 3 && v.every(isNumberCursor);
/** Entry lines of one export page at most. */
const EXPORT_PAGE_ENTRIES = 500;
/** About the most text of one export page (an entry is at most 100,000 bytes). */
const EXPORT_PAGE_BYTES = 1024 * 1024;
/**
 * Pull's cursor: the last entry, thread change, tag or link, and edit or deletion handed out (a
 * bare number: an entry; fewer than four: none of the later kinds yet).
 */
const isPullCursor = (v: unknown): v is number | number[] =>
  isNumberCursor(v) || (Array.isArray(v) && v.length >= 2 && v.length <= 4 && v.every(isNumberCursor));

/** Thread changes handed out by one pull page at most (they are rare; more come with the next page). */
const CHANGES_PER_PAGE = 500;

export interface ThreadRow {
  pk: number;
  projectId: string;
  threadId: string;
  status: ThreadStatus;
  createdAt: string;
  lastActivityAt: string;
  entryCount: number;
  lastSyncedSequence: number;
  lastSyncAt: string | null;
  syncError: string | null;
}
/** How much of a thread's newest entry `list` sends. */
const LAST_ENTRY_CHARS = 280;
const THREAD_COLUMNS = sql.raw(
  `pk, project_id AS "projectId", thread_id AS "threadId", status, created_at AS "createdAt",
   last_activity_at AS "lastActivityAt", entry_count AS "entryCount",
   last_synced_sequence AS "lastSyncedSequence", last_sync_at AS "lastSyncAt", sync_error AS "syncError"`,
);

function threadView(row: ThreadRow) {
  return {
    projectId: row.projectId,
    threadId: row.threadId,
    status: row.status,
    entryCount: row.entryCount,
    createdAt: new Date(row.createdAt),
    lastActivityAt: new Date(row.lastActivityAt),
    lastSyncedSequence: row.lastSyncedSequence,
    lastSyncAt: row.lastSyncAt ? new Date(row.lastSyncAt) : null,
  };
}

interface EntryRow {
  entryId: string;
  sequenceId: number;
  content: string;
  author: string;
  timestamp: string;
}
const entryView = (e: EntryRow) => ({
  entryId: e.entryId,
  sequenceId: e.sequenceId,
  content: e.content,
  author: e.author,
  timestamp: new Date(e.timestamp),
});

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An entry's tags and outgoing links, as `threads.get` and an export show them. */
export interface EntryMarks {
  tags: string[];
  links: { projectId: string; threadId: string; note: string | null }[];
}

interface MarkRow {
  entryPk: number;
  tag: string | null;
  targetProjectId: string | null;
  targetThreadId: string | null;
  note: string | null;
}

export class Threads {
  constructor(
    private readonly db: ServerDb,
    private readonly limits: Limits,
  ) {}

  private pageSize(limit: number | undefined, fallback: number): number {
    if (limit !== undefined && limit > this.limits.pageSize) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `limit ${limit} is over the page size limit of ${this.limits.pageSize}: page with the cursor`,
      });
    }
    return limit ?? Math.min(fallback, this.limits.pageSize);
  }

  private find(userId: string, projectId: string, threadId: string): Promise<ThreadRow | undefined> {
    return this.db.get<ThreadRow>(sql`
      SELECT ${THREAD_COLUMNS} FROM threads
      WHERE user_id = ${userId} AND project_id = ${projectId} AND thread_id = ${threadId}`);
  }

  private async require(userId: string, projectId: string, threadId: string): Promise<ThreadRow> {
    const thread = await this.find(userId, projectId, threadId);
    if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: `no thread ${projectId}/${threadId}` });
    return thread;
  }

  /** The tags and links of these entries (by pk), tags by name and links by target. */
  private async marksOf(entryPks: number[]): Promise<Map<number, EntryMarks>> {
    const found = new Map<number, EntryMarks>();
    if (entryPks.length === 0) return found;
    const rows = await this.db.all<MarkRow>(sql`
      SELECT entry_pk AS "entryPk", tag, target_project_id AS "targetProjectId",
             target_thread_id AS "targetThreadId", note
      FROM entry_marks WHERE entry_pk IN (${sql.join(
        entryPks.map((pk) => sql`${pk}`),
        sql`, `,
      )})`);
    // Sorted here, not by the engine's collation: the same order on both (and as the vault's).
    rows.sort(
      (a, b) =>
        byText(a.tag ?? '', b.tag ?? '') ||
        byText(a.targetProjectId ?? '', b.targetProjectId ?? '') ||
        byText(a.targetThreadId ?? '', b.targetThreadId ?? ''),
    );
    for (const row of rows) {
      const pk = Number(row.entryPk);
      const marks = found.get(pk) ?? { tags: [], links: [] };
      if (row.tag !== null) marks.tags.push(row.tag);
      else if (row.targetProjectId !== null && row.targetThreadId !== null)
        marks.links.push({ projectId: row.targetProjectId, threadId: row.targetThreadId, note: row.note });
      found.set(pk, marks);
    }
    return found;
  }

  /**
   * Tags and links of the user's entries (`vlt thread tag`, `vlt thread link`, from any machine).
   * Idempotent: a tag there already, or a link with the same note, changes nothing; a link with
   * another note replaces it (the last to arrive stands). Entries the user does not have (or no
   * longer has) are answered in `unknownEntries`, and nothing is stored for them. Each change is handed
   * to the user's other machines by `threads.pull`.
   */
  annotate(userId: string, input: AnnotateInput) {
    const ids = [...new Set([...input.tags, ...input.links].map((m) => m.entryId))];
    return this.db.transaction(async (tx) => {
      // The user's turn, as for a push: the pull cursor never steps over a change being written.
      await this.db.lock(tx, userId);
      const found =
        ids.length === 0
          ? []
          : await tx.all<{ pk: number; entryId: string }>(sql`
              SELECT pk, entry_id AS "entryId" FROM entries
              WHERE user_id = ${userId} AND entry_id IN (${sql.join(
                ids.map((id) => sql`${id}`),
                sql`, `,
              )})`);
      const pkOf = new Map(found.map((row) => [row.entryId, Number(row.pk)]));
      const now = new Date().toISOString();
      let tagsAdded = 0;
      let linksSet = 0;

      for (const { entryId, tag } of input.tags) {
        const pk = pkOf.get(entryId);
        if (pk === undefined) continue;
        tagsAdded += await tx.run(sql`
          INSERT INTO entry_marks (user_id, entry_pk, tag, changed_at) VALUES (${userId}, ${pk}, ${tag}, ${now})
          ON CONFLICT DO NOTHING`);
      }
      for (const link of input.links) {
        const pk = pkOf.get(link.entryId);
        if (pk === undefined) continue;
        const existing = await tx.get<{ pk: number; note: string | null; changedAt: string }>(sql`
          SELECT pk, note, changed_at AS "changedAt" FROM entry_marks
          WHERE entry_pk = ${pk} AND target_project_id = ${link.projectId} AND target_thread_id = ${link.threadId}`);
        const at = link.at.toISOString();
        // The later note stands (the same time: the greater note, so every order ends alike); the
        // same note again, or an older one arriving late (a retry, a reordered request), is ignored.
        if (existing && !laterLink({ at, note: link.note }, { at: existing.changedAt, note: existing.note }))
          continue;
        // A new row, not an update: its pk is new, so the other machines' pulls see the new note.
        if (existing) await tx.run(sql`DELETE FROM entry_marks WHERE pk = ${existing.pk}`);
        await tx.run(sql`
          INSERT INTO entry_marks (user_id, entry_pk, target_project_id, target_thread_id, note, changed_at)
          VALUES (${userId}, ${pk}, ${link.projectId}, ${link.threadId}, ${link.note}, ${at})`);
        linksSet++;
      }
      return { tagsAdded, linksSet, unknownEntries: ids.filter((id) => !pkOf.has(id)) };
    });
  }

  /**
   * An edit (`content`) or a deletion (null) of the user's entry: a new revision, kept with the
   * others (the entry's first text kept the first time, under the entry's own id). The entry's
   * text is its latest edit by `at` (then revision id), whatever order they arrive in; a deletion
   * makes it a tombstone (text '', no tags or links) for good. Idempotent by revision id. NOT_FOUND
   * when the user has no such entry. Handed to the user's other machines by `threads.pull`.
   */
  /**
   * An entry's texts, oldest first (by time, then revision id): its first text, each edit, a
   * deletion (content null); `current` marks the text that stands (none once deleted). An entry
   * never edited has its one text. Another user's entry is NOT_FOUND, as a missing one.
   */
  async history(userId: string, entryId: string) {
    const entry = await this.db.get<{
      pk: number;
      content: string;
      timestamp: string;
      deleted: number;
      revisionId: string | null;
    }>(sql`
      SELECT pk, content, timestamp, deleted, revision_id AS "revisionId" FROM entries
      WHERE user_id = ${userId} AND entry_id = ${entryId}`);
    if (!entry) throw new TRPCError({ code: 'NOT_FOUND', message: `no entry ${entryId}` });
    const rows = await this.db.all<{ revisionId: string; content: string; deleted: number; at: string }>(sql`
      SELECT revision_id AS "revisionId", content, deleted, at FROM entry_revisions
      WHERE user_id = ${userId} AND entry_pk = ${entry.pk} ORDER BY at, revision_id`);
    const deleted = Number(entry.deleted) === 1;
    const revisions =
      rows.length > 0
        ? rows
        : [{ revisionId: entryId, content: entry.content, deleted: entry.deleted, at: entry.timestamp }];
    const standing = deleted ? undefined : (entry.revisionId ?? entryId);
    return {
      entryId,
      deleted,
      revisions: revisions.map((r) => ({
        revisionId: r.revisionId,
        at: new Date(r.at),
        content: Number(r.deleted) === 1 ? null : r.content,
        current: r.revisionId === standing,
      })),
    };
  }

  revise(userId: string, input: { entryId: string; revisionId: string; content: string | null; at: Date }) {
    if (input.content !== null) {
      const bytes = utf8Length(input.content);
      if (bytes > this.limits.contentBytes) {
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `the edit is ${bytes} bytes, over the content limit of ${this.limits.contentBytes} bytes`,
        });
      }
    }
    return this.db.transaction(async (tx) => {
      await this.db.lock(tx, userId);
      const entry = await tx.get<{
        pk: number;
        threadPk: number;
        content: string;
        timestamp: string;
        deleted: number;
        projectId: string;
      }>(sql`
        SELECT e.pk, e.thread_pk AS "threadPk", e.content, e.timestamp, e.deleted, t.project_id AS "projectId"
        FROM entries e JOIN threads t ON t.pk = e.thread_pk
        WHERE e.user_id = ${userId} AND e.entry_id = ${input.entryId}`);
      if (!entry) {
        throw new TRPCError({ code: 'NOT_FOUND', message: `no entry ${input.entryId}: push it first` });
      }
      const known = await tx.get<{ entryPk: number }>(sql`
        SELECT entry_pk AS "entryPk" FROM entry_revisions WHERE user_id = ${userId} AND revision_id = ${input.revisionId}`);
      if (known) {
        if (Number(known.entryPk) !== Number(entry.pk)) {
          throw new TRPCError({
            code: 'CONFLICT',
            message: `revision ${input.revisionId} is of another entry`,
          });
        }
        return { entryId: input.entryId, deleted: Number(entry.deleted) === 1, duplicate: true };
      }
      await tx.run(sql`
        INSERT INTO entry_revisions (user_id, entry_pk, revision_id, content, deleted, at)
        VALUES (${userId}, ${entry.pk}, ${input.entryId}, ${entry.content}, ${Number(entry.deleted) === 1 ? 1 : 0},
                ${entry.timestamp})
        ON CONFLICT DO NOTHING`);
      await tx.run(sql`
        INSERT INTO entry_revisions (user_id, entry_pk, revision_id, content, deleted, at)
        VALUES (${userId}, ${entry.pk}, ${input.revisionId}, ${input.content ?? ''}, ${input.content === null ? 1 : 0},
                ${input.at.toISOString()})`);
      const revisions = await tx.all<{
        revisionId: string;
        content: string;
        deleted: number;
        at: string;
      }>(sql`
        SELECT revision_id AS "revisionId", content, deleted, at FROM entry_revisions WHERE entry_pk = ${entry.pk}`);
      const deleted = revisions.some((r) => Number(r.deleted) === 1);
      // The first text is a deletion only for a tombstone pushed as one (from an export).
      const texts = revisions.filter((r) => Number(r.deleted) === 0);
      let current = texts[0];
      for (const r of texts) if (current && laterRevision(r, current)) current = r;
      const content = deleted || !current ? '' : current.content;
      if (content !== entry.content || deleted !== (Number(entry.deleted) === 1)) {
        await tx.run(sql`
          UPDATE entries SET content = ${content}, deleted = ${deleted ? 1 : 0},
            revision_id = ${!current || current.revisionId === input.entryId ? null : current.revisionId}
          WHERE pk = ${entry.pk}`);
        await this.db.search.entryChanged(tx, userId, {
          pk: Number(entry.pk),
          content,
          projectId: entry.projectId,
          threadPk: Number(entry.threadPk),
        });
        // An edit is activity: the thread's summary and its place in the list follow; a deletion
        // takes the entry out of the thread's count.
        const now = new Date().toISOString();
        const counted = deleted === (Number(entry.deleted) === 1) ? 0 : deleted ? -1 : 1;
        await tx.run(sql`
          UPDATE threads SET entry_count = entry_count + ${counted},
            last_activity_at = CASE WHEN last_activity_at < ${now} THEN ${now} ELSE last_activity_at END
          WHERE pk = ${entry.threadPk}`);
        // Embeddings of the old text are of no use; a tombstone keeps no tags or links.
        await tx.run(sql`DELETE FROM entry_embeddings WHERE entry_pk = ${entry.pk}`);
        if (deleted) await tx.run(sql`DELETE FROM entry_marks WHERE entry_pk = ${entry.pk}`);
      }
      return { entryId: input.entryId, deleted, duplicate: false };
    });
  }

  /**
   * Stores a batch of entries. Idempotent by entry id; a taken (thread, sequence) is CONFLICT and
   * the batch is stored not at all, so the client can set that entry aside and send the rest.
   * Unique constraints decide, not a read before the write, so it holds across server instances.
   */
  async push(userId: string, input: PushInput) {
    if (input.entries.length > this.limits.batchEntries) {
      throw new TRPCError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `a push carries at most ${this.limits.batchEntries} entries, this one ${input.entries.length}: split the batch`,
      });
    }
    const seen = new Set<number>();
    for (const entry of input.entries) {
      const bytes = utf8Length(entry.content);
      if (bytes > this.limits.contentBytes) {
        throw new EntryRejected(
          'BAD_REQUEST',
          `entry ${entry.entryId} is ${bytes} bytes, over the content limit of ${this.limits.contentBytes} bytes`,
          entry.entryId,
          entry.sequenceId,
        );
      }
      if (seen.has(entry.sequenceId)) {
        throw new EntryRejected(
          'BAD_REQUEST',
          `sequence ${entry.sequenceId} appears twice in one push`,
          entry.entryId,
          entry.sequenceId,
        );
      }
      seen.add(entry.sequenceId);
    }
    const name = `${input.projectId}/${input.threadId}`;
    const now = new Date().toISOString();
    return this.store(userId, input, name, now).catch(async (error: unknown) => {
      // The thread's sync error (threads.syncStatus) says why the last push was refused.
      if (error instanceof EntryRejected) {
        await this.db.run(sql`
          UPDATE threads SET sync_error = ${error.message}
          WHERE user_id = ${userId} AND project_id = ${input.projectId} AND thread_id = ${input.threadId}`);
      }
      throw error;
    });
  }

  private store(userId: string, input: PushInput, name: string, now: string) {
    return this.db.transaction(async (tx) => {
      // One user's pushes commit in the order their entries are numbered (entries.pk), on every
      // instance: the pull cursor never steps over an entry still being written.
      await this.db.lock(tx, userId);
      await tx.run(sql`
        INSERT INTO projects (user_id, id, created_at) VALUES (${userId}, ${input.projectId}, ${now})
        ON CONFLICT DO NOTHING`);
      const createdAt = input.createdAt.toISOString();
      // The upsert also locks the thread's row until commit: pushes to one thread take turns. The
      // status counts for a new thread only: later ones come through threads.setStatus.
      const thread = (await tx.get<ThreadRow>(sql`
        INSERT INTO threads (user_id, project_id, thread_id, status, created_at, last_activity_at)
        VALUES (${userId}, ${input.projectId}, ${input.threadId}, ${input.status}, ${createdAt}, ${createdAt})
        ON CONFLICT (user_id, project_id, thread_id) DO UPDATE SET status = threads.status
        RETURNING ${THREAD_COLUMNS}`))!;
      let syncedCount = 0;
      // The thread's count is of the entries one can read: a tombstone pushed (from an export) keeps
      // its number but is not counted, as `vlt thread list` does not count it.
      let readable = 0;
      let duplicateCount = 0;
      let lastActivity = thread.lastActivityAt;
      const sorted = [...input.entries]
        .sort((a, b) => a.sequenceId - b.sequenceId)
        .map((e) => ({ ...e, timestamp: e.timestamp.toISOString(), deleted: e.deleted === true }));
      // One statement for the batch; the unique constraints refuse what is already there.
      const inserted = await this.db.insertEntries(tx, userId, thread.pk, now, sorted);
      const stored = new Set(inserted.map((row) => row.entryId));
      const contentOf = new Map(sorted.map((e) => [e.entryId, e.content]));
      // A tombstone has no text to find.
      await this.db.search.indexEntries(
        tx,
        userId,
        inserted
          .filter((row) => contentOf.get(row.entryId) !== '')
          .map((row) => ({
            pk: row.pk,
            content: contentOf.get(row.entryId)!,
            projectId: input.projectId,
            threadPk: thread.pk,
          })),
      );
      for (const entry of sorted) {
        const timestamp = entry.timestamp;
        if (stored.has(entry.entryId)) {
          if (timestamp > lastActivity) lastActivity = timestamp;
          syncedCount++;
          if (!entry.deleted) readable++;
          continue;
        }
        // A unique constraint refused it: the same entry again, or a clash.
        // The same entry with any text it has had (its first, an edit: an export holds the text of
        // then), or a tombstone of it, or it deleted here (the deletion is the later word).
        const existing = await tx.get<{
          threadPk: number;
          sequenceId: number;
          known: number;
          deleted: number;
        }>(sql`
          SELECT thread_pk AS "threadPk", sequence_id AS "sequenceId", deleted,
                 CASE WHEN content = ${entry.content} OR EXISTS (
                   SELECT 1 FROM entry_revisions r
                   WHERE r.user_id = entries.user_id AND r.entry_pk = entries.pk AND r.deleted = 0
                     AND r.content = ${entry.content}) THEN 1 ELSE 0 END AS known
          FROM entries WHERE user_id = ${userId} AND entry_id = ${entry.entryId}`);
        if (
          existing?.threadPk === thread.pk &&
          existing.sequenceId === entry.sequenceId &&
          (Number(existing.known) === 1 || entry.deleted || Number(existing.deleted) === 1)
        ) {
          duplicateCount++;
          continue;
        }
        throw new EntryRejected(
          'CONFLICT',
          existing
            ? `entry ${entry.entryId} is already stored with other content or at another place`
            : `sequence ${entry.sequenceId} of ${name} is taken by another entry: pull the thread, then push again`,
          entry.entryId,
          entry.sequenceId,
        );
      }
      const watermark = await this.watermark(tx, thread.pk, thread.lastSyncedSequence);
      await tx.run(sql`
        UPDATE threads SET entry_count = entry_count + ${readable}, last_activity_at = ${lastActivity},
          last_synced_sequence = ${watermark}, last_sync_at = ${now}, sync_error = NULL
        WHERE pk = ${thread.pk}`);
      return { syncedCount, duplicateCount, lastSyncedSequence: watermark };
    });
  }

  /**
   * The highest n such that entries 0..n are all stored, computed in the database from the last
   * known one: the end of the run of consecutive numbers that starts just above it.
   */
  private async watermark(tx: Executor, threadPk: number, from: number): Promise<number> {
    const row = await tx.get<{ end: number | null }>(sql`
      SELECT min(e.sequence_id) AS "end" FROM entries e
      WHERE e.thread_pk = ${threadPk} AND e.sequence_id > ${from}
        AND EXISTS (SELECT 1 FROM entries f WHERE f.thread_pk = ${threadPk} AND f.sequence_id = ${from + 1})
        AND NOT EXISTS (SELECT 1 FROM entries g WHERE g.thread_pk = e.thread_pk AND g.sequence_id = e.sequence_id + 1)`);
    return row?.end ?? from;
  }

  /**
   * New entries of a thread as they are stored (checked twice a second), until `signal` aborts:
   * the web's thread page appends them without a reload.
   */
  async *watch(
    userId: string,
    input: { projectId: string; threadId: string; afterSequence: number },
    signal: AbortSignal | undefined,
  ) {
    const thread = await this.require(userId, input.projectId, input.threadId);
    let after = input.afterSequence;
    while (!signal?.aborted) {
      const rows = await this.db.all<EntryRow>(sql`
        SELECT entry_id AS "entryId", sequence_id AS "sequenceId", content, author, timestamp FROM entries
        WHERE thread_pk = ${thread.pk} AND sequence_id > ${after} ORDER BY sequence_id LIMIT 100`);
      if (rows.length > 0) {
        after = rows[rows.length - 1]!.sequenceId;
        yield rows.map(entryView);
        continue;
      }
      // One listener per wait, removed when the wait ends: a thread page open for a day adds none.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, 500);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** The user's thread (NOT_FOUND when there is none of the name), for the services built on it. */
  thread(userId: string, projectId: string, threadId: string) {
    return this.require(userId, projectId, threadId);
  }

  /** Every entry of a thread in sequence order, for its summary. */
  allEntries(threadPk: number) {
    return this.db.all<EntryRow>(sql`
      SELECT entry_id AS "entryId", sequence_id AS "sequenceId", content, author, timestamp FROM entries
      WHERE thread_pk = ${threadPk} AND deleted = 0 ORDER BY sequence_id`);
  }

  async syncStatus(userId: string, projectId: string, threadId: string) {
    const thread = await this.find(userId, projectId, threadId);
    return {
      lastSyncedSequence: thread?.lastSyncedSequence ?? -1,
      lastSyncAt: thread?.lastSyncAt ? new Date(thread.lastSyncAt) : null,
      syncError: thread?.syncError ?? null,
    };
  }

  async list(
    userId: string,
    input: { projectId?: string; status?: ThreadStatus; cursor?: string; limit?: number },
  ) {
    const limit = this.pageSize(input.limit, 50);
    const conditions: SQL[] = [sql`user_id = ${userId}`];
    if (input.projectId) conditions.push(sql`project_id = ${input.projectId}`);
    if (input.status) conditions.push(sql`status = ${input.status}`);
    if (input.cursor) {
      const [at, pk] = decodeCursor(input.cursor, isListCursor);
      conditions.push(sql`(last_activity_at < ${at} OR (last_activity_at = ${at} AND pk < ${pk}))`);
    }
    const rows = await this.db.all<ThreadRow>(sql`
      SELECT ${THREAD_COLUMNS} FROM threads WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY last_activity_at DESC, pk DESC LIMIT ${limit + 1}`);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const lastEntries = await this.lastEntries(userId, page);
    return {
      threads: page.map((row) => ({ ...threadView(row), lastEntry: lastEntries.get(row.pk) ?? null })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.lastActivityAt, last.pk]) : null,
    };
  }

  /**
   * Each listed thread's newest entry, by thread pk: its start only (a list shows a line or two,
   * and an entry may be 100,000 bytes).
   */
  private async lastEntries(userId: string, threads: ThreadRow[]) {
    const found = new Map<number, ReturnType<typeof entryView> & { truncated: boolean }>();
    if (threads.length === 0) return found;
    const rows = await this.db.all<EntryRow & { threadPk: number; length: number }>(sql`
      SELECT e.thread_pk AS "threadPk", e.entry_id AS "entryId", e.sequence_id AS "sequenceId",
             substr(e.content, 1, ${sql.raw(String(LAST_ENTRY_CHARS))}) AS content, length(e.content) AS length,
             e.author, e.timestamp
      FROM entries e
      WHERE e.user_id = ${userId} AND e.thread_pk IN (${sql.join(
        threads.map((t) => sql`${t.pk}`),
        sql`, `,
      )})
        AND e.sequence_id = (SELECT MAX(sequence_id) FROM entries WHERE thread_pk = e.thread_pk)`);
    for (const row of rows) {
      found.set(Number(row.threadPk), {
        ...entryView(row),
        truncated: Number(row.length) > LAST_ENTRY_CHARS,
      });
    }
    return found;
  }

  async get(userId: string, input: { projectId: string; threadId: string; cursor?: string; limit?: number }) {
    const thread = await this.require(userId, input.projectId, input.threadId);
    const limit = this.pageSize(input.limit, 100);
    const after = input.cursor ? decodeCursor(input.cursor, isNumberCursor) : -1;
    const rows = await this.db.all<EntryRow & { pk: number; deleted: number; revisionId: string | null }>(sql`
      SELECT pk, entry_id AS "entryId", sequence_id AS "sequenceId", content, author, timestamp, deleted,
             revision_id AS "revisionId"
      FROM entries
      WHERE thread_pk = ${thread.pk} AND sequence_id > ${after} ORDER BY sequence_id LIMIT ${limit + 1}`);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const marks = await this.marksOf(page.map((row) => Number(row.pk)));
    return {
      thread: threadView(thread),
      entries: page.map((row) => ({
        ...entryView(row),
        ...(marks.get(Number(row.pk)) ?? { tags: [], links: [] }),
        deleted: Number(row.deleted) === 1,
        edited: row.revisionId !== null,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.sequenceId) : null,
    };
  }

  delete(userId: string, projectId: string, threadId: string) {
    // In the user's turn, as pushes and edits are (on PostgreSQL the entry_terms counts are kept
    // by the same transactions: two of them at once could deadlock on the counts' rows).
    return this.changeThread(userId, projectId, threadId, async (tx, thread) => {
      await this.db.search.threadDeleting(tx, userId, thread.pk);
      const removed = await tx.run(sql`DELETE FROM entries WHERE thread_pk = ${thread.pk}`);
      await tx.run(sql`DELETE FROM threads WHERE pk = ${thread.pk}`);
      return { deleted: true as const, entries: removed };
    });
  }

  /**
   * Runs `change` on the user's thread in a transaction that takes the user's turn (on PostgreSQL,
   * the lock pushes take: a change never lands between a push's entries); NOT_FOUND if it is not there.
   */
  private changeThread<T>(
    userId: string,
    projectId: string,
    threadId: string,
    change: (tx: Executor, thread: ThreadRow) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      await this.db.lock(tx, userId);
      const thread = await tx.get<ThreadRow>(sql`
        SELECT ${THREAD_COLUMNS} FROM threads
        WHERE user_id = ${userId} AND project_id = ${projectId} AND thread_id = ${threadId}`);
      if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: `no thread ${projectId}/${threadId}` });
      return change(tx, thread);
    });
  }

  /**
   * Moves a thread, with its entries, to another project (made if it does not exist). CONFLICT when
   * that project already has a thread of the name. Recorded for the other machines' pulls.
   */
  move(userId: string, input: { projectId: string; threadId: string; toProjectId: string }) {
    const { projectId, threadId, toProjectId } = input;
    return this.changeThread(userId, projectId, threadId, async (tx, thread) => {
      if (toProjectId === projectId) return { projectId, threadId, moved: false };
      const taken = await tx.get<{ pk: number }>(sql`
        SELECT pk FROM threads WHERE user_id = ${userId} AND project_id = ${toProjectId} AND thread_id = ${threadId}`);
      if (taken) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: `project ${toProjectId} already has a thread ${threadId}: move or delete one of them first`,
        });
      }
      const now = new Date().toISOString();
      await tx.run(sql`
        INSERT INTO projects (user_id, id, created_at) VALUES (${userId}, ${toProjectId}, ${now})
        ON CONFLICT DO NOTHING`);
      await tx.run(sql`UPDATE threads SET project_id = ${toProjectId} WHERE pk = ${thread.pk}`);
      await this.db.search.threadMoved(tx, userId, thread.pk, toProjectId);
      // Links name the thread: they follow it (an entry linked to both names keeps one link).
      await tx.run(sql`
        DELETE FROM entry_marks WHERE user_id = ${userId}
          AND target_project_id = ${toProjectId} AND target_thread_id = ${threadId}
          AND entry_pk IN (SELECT entry_pk FROM entry_marks WHERE user_id = ${userId}
                             AND target_project_id = ${projectId} AND target_thread_id = ${threadId})`);
      await tx.run(sql`
        UPDATE entry_marks SET target_project_id = ${toProjectId}
        WHERE user_id = ${userId} AND target_project_id = ${projectId} AND target_thread_id = ${threadId}`);
      await tx.run(sql`
        INSERT INTO thread_changes (user_id, project_id, thread_id, from_project_id, changed_at)
        VALUES (${userId}, ${toProjectId}, ${threadId}, ${projectId}, ${now})`);
      return { projectId: toProjectId, threadId, moved: true };
    });
  }

  /** Sets a thread's status; recorded for the other machines' pulls. */
  setStatus(userId: string, input: { projectId: string; threadId: string; status: ThreadStatus }) {
    const { projectId, threadId, status } = input;
    return this.changeThread(userId, projectId, threadId, async (tx, thread) => {
      if (thread.status === status) return { projectId, threadId, status, changed: false };
      await tx.run(sql`UPDATE threads SET status = ${status} WHERE pk = ${thread.pk}`);
      await tx.run(sql`
        INSERT INTO thread_changes (user_id, project_id, thread_id, status, changed_at)
        VALUES (${userId}, ${projectId}, ${threadId}, ${status}, ${new Date().toISOString()})`);
      return { projectId, threadId, status, changed: true };
    });
  }

  async search(
    userId: string,
    input: { query: string; projectId?: string; threadId?: string; limit?: number },
  ) {
    const limit = this.pageSize(input.limit, 20);
    const { words, tags } = parseSearch(input.query);
    if (words.length === 0 && tags.length === 0) return { results: [] };
    const scope = { userId, projectId: input.projectId, threadId: input.threadId, tags, limit };
    const rows = await allThenAny(
      words,
      (some, mode) => this.db.search.search(scope, some, mode),
      (terms) => this.db.search.documentCounts(userId, terms),
    );
    return {
      results: rows.map((r) => ({
        projectId: r.projectId,
        threadId: r.threadId,
        entryId: r.entryId,
        sequenceId: r.sequenceId,
        snippet: r.snippet,
        score: scoreOf(r.rank),
        author: r.author,
        timestamp: new Date(r.timestamp),
      })),
    };
  }

  /**
   * Entries stored since `cursor` (oldest first), each under its thread's project of now, and the
   * threads changed since then (moves and statuses, oldest first): a second machine applies the
   * changes to its copies, then adds the entries.
   */
  async pull(userId: string, input: { cursor?: string; projectId?: string; limit?: number }) {
    const limit = this.pageSize(input.limit, 100);
    const decoded = input.cursor ? decodeCursor(input.cursor, isPullCursor) : 0;
    const [after = 0, afterChange = 0, afterMark = 0, afterRevision = 0] = Array.isArray(decoded)
      ? decoded
      : [decoded];
    const changes = await this.db.all<{
      pk: number;
      projectId: string;
      threadId: string;
      fromProjectId: string | null;
      status: ThreadStatus | null;
      changedAt: string;
    }>(sql`
      SELECT pk, project_id AS "projectId", thread_id AS "threadId", from_project_id AS "fromProjectId",
             status, changed_at AS "changedAt"
      FROM thread_changes WHERE user_id = ${userId} AND pk > ${afterChange}
        ${input.projectId ? sql`AND (project_id = ${input.projectId} OR from_project_id = ${input.projectId})` : sql``}
      ORDER BY pk LIMIT ${CHANGES_PER_PAGE + 1}`);
    const changePage = changes.slice(0, CHANGES_PER_PAGE);
    const lastChange = changePage[changePage.length - 1];
    const rows = await this.db.all<
      EntryRow & {
        pk: number;
        projectId: string;
        threadId: string;
        status: ThreadStatus;
        threadCreatedAt: string;
      }
    >(sql`
      SELECT e.pk, t.project_id AS "projectId", t.thread_id AS "threadId", t.status,
             t.created_at AS "threadCreatedAt", e.entry_id AS "entryId", e.sequence_id AS "sequenceId",
             coalesce((SELECT r.content FROM entry_revisions r
                       WHERE r.user_id = e.user_id AND r.revision_id = e.entry_id), e.content) AS content,
             e.author, e.timestamp
      FROM entries e JOIN threads t ON t.pk = e.thread_pk
      WHERE e.user_id = ${userId} AND e.pk > ${after}
        ${input.projectId ? sql`AND t.project_id = ${input.projectId}` : sql``}
      ORDER BY e.pk LIMIT ${limit + 1}`);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // Tags and links of entries handed out already (before or in this page), in the order they
    // were made: one on an entry still to come waits for it, with those after it.
    const upTo = last ? Number(last.pk) : after;
    const marks = await this.db.all<MarkRow & { pk: number; entryId: string; changedAt: string }>(sql`
      SELECT m.pk, m.entry_pk AS "entryPk", e.entry_id AS "entryId", m.tag,
             m.target_project_id AS "targetProjectId", m.target_thread_id AS "targetThreadId", m.note,
             m.changed_at AS "changedAt"
      FROM entry_marks m JOIN entries e ON e.pk = m.entry_pk
        ${input.projectId ? sql`JOIN threads t ON t.pk = e.thread_pk AND t.project_id = ${input.projectId}` : sql``}
      WHERE m.user_id = ${userId} AND m.pk > ${afterMark}
      ORDER BY m.pk LIMIT ${CHANGES_PER_PAGE + 1}`);
    const ready = marks.findIndex((m) => Number(m.entryPk) > upTo);
    const markPage = marks.slice(0, Math.min(ready < 0 ? marks.length : ready, CHANGES_PER_PAGE));
    const lastMark = markPage[markPage.length - 1];
    // Edits and deletions likewise (an entry's first text, kept under its own id, went with it).
    const revisions = await this.db.all<{
      pk: number;
      entryPk: number;
      entryId: string;
      revisionId: string;
      content: string;
      deleted: number;
      at: string;
    }>(sql`
      SELECT r.pk, r.entry_pk AS "entryPk", e.entry_id AS "entryId", r.revision_id AS "revisionId", r.content,
             r.deleted, r.at
      FROM entry_revisions r JOIN entries e ON e.pk = r.entry_pk
        ${input.projectId ? sql`JOIN threads t ON t.pk = e.thread_pk AND t.project_id = ${input.projectId}` : sql``}
      WHERE r.user_id = ${userId} AND r.pk > ${afterRevision}
      ORDER BY r.pk LIMIT ${CHANGES_PER_PAGE + 1}`);
    const revisionsReady = revisions.findIndex((r) => Number(r.entryPk) > upTo);
    const revisionPage = revisions.slice(
      0,
      Math.min(revisionsReady < 0 ? revisions.length : revisionsReady, CHANGES_PER_PAGE),
    );
    const lastRevision = revisionPage[revisionPage.length - 1];
    return {
      revisions: revisionPage
        .filter((r) => r.revisionId !== r.entryId)
        .map((r) => ({
          entryId: r.entryId,
          revisionId: r.revisionId,
          content: Number(r.deleted) === 1 ? null : r.content,
          at: new Date(r.at),
        })),
      annotations: markPage.map((m) => ({
        entryId: m.entryId,
        tag: m.tag,
        link:
          m.tag === null && m.targetProjectId !== null && m.targetThreadId !== null
            ? {
                projectId: m.targetProjectId,
                threadId: m.targetThreadId,
                note: m.note,
                at: new Date(m.changedAt),
              }
            : null,
      })),
      changes: changePage.map(({ pk: _pk, changedAt, ...rest }) => ({
        ...rest,
        changedAt: new Date(changedAt),
      })),
      // An entry with no text at all is a tombstone pushed as one (its first text is "").
      entries: page.map(({ pk: _pk, threadCreatedAt, timestamp, ...rest }) => ({
        ...rest,
        threadCreatedAt: new Date(threadCreatedAt),
        timestamp: new Date(timestamp),
        ...(rest.content === '' ? { deleted: true as const } : {}),
      })),
      // The cursor to ask with next time: stays put when there is nothing new.
      cursor: encodeCursor([
        last ? last.pk : after,
        lastChange ? lastChange.pk : afterChange,
        lastMark ? lastMark.pk : afterMark,
        lastRevision ? lastRevision.pk : afterRevision,
      ]),
      hasMore:
        rows.length > limit ||
        changes.length > CHANGES_PER_PAGE ||
        (ready < 0 && marks.length > CHANGES_PER_PAGE) ||
        (revisionsReady < 0 && revisions.length > CHANGES_PER_PAGE),
    };
  }

  /**
   * A page of the user's data in vlt's own export format (shared/export-format.ts): the header
   * first, then each thread's line and its entries, at most EXPORT_PAGE_ENTRIES entries and about
   * EXPORT_PAGE_BYTES a page. A thread is exported up to its contiguous watermark, so that the file
   * imports (sequences are dense): entries above a gap wait for the machine that has the missing
   * one. Each entry carries its tags and links.
   */
  async exportPage(userId: string, input: { cursor?: string; projectId?: string }) {
    // The thread to write (from its start while `announced` is 0), the last sequence written, and
    // the entry count its line announced.
    let [threadPk, afterSeq, announced] = input.cursor
      ? decodeCursor(input.cursor, isExportCursor)
      : [0, -1, 0];
    const lines: string[] = input.cursor ? [] : [headerLine(input.projectId ?? null, VERSION)];
    let entries = 0;
    let bytes = 0;
    const project = input.projectId ? sql` AND project_id = ${input.projectId}` : sql``;
    for (;;) {
      const thread = await this.db.get<ThreadRow>(sql`
        SELECT ${THREAD_COLUMNS} FROM threads
        WHERE user_id = ${userId} AND pk ${announced === 0 ? sql`>=` : sql`=`} ${threadPk}${project}
        ORDER BY pk LIMIT 1`);
      if (!thread && announced > 0) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: 'a thread was deleted or moved during the export: download again',
        });
      }
      if (!thread) return { lines, nextCursor: null };
      const name = { project: thread.projectId, thread: thread.threadId };
      if (announced === 0) {
        threadPk = Number(thread.pk);
        afterSeq = -1;
        announced = Math.max(0, Number(thread.lastSyncedSequence) + 1);
        lines.push(
          threadLine({
            ...name,
            status: thread.status,
            created: new Date(thread.createdAt).toISOString(),
            entries: announced,
          }),
        );
      }
      const wanted = Math.min(EXPORT_PAGE_ENTRIES - entries, announced - afterSeq - 1);
      const rows =
        wanted <= 0
          ? []
          : await this.db.all<EntryRow & { pk: number; deleted: number }>(sql`
              SELECT pk, entry_id AS "entryId", sequence_id AS "sequenceId", content, author, timestamp, deleted
              FROM entries
              WHERE thread_pk = ${threadPk} AND sequence_id > ${afterSeq} AND sequence_id < ${announced}
              ORDER BY sequence_id LIMIT ${wanted}`);
      const marks = await this.marksOf(rows.map((row) => Number(row.pk)));
      for (const row of rows) {
        if (Number(row.sequenceId) !== afterSeq + 1) {
          throw new TRPCError({
            code: 'CONFLICT',
            message: 'entries were deleted during the export: download again',
          });
        }
        const line = entryLine(name, {
          id: row.entryId,
          seq: Number(row.sequenceId),
          author: row.author,
          timestamp: new Date(row.timestamp).toISOString(),
          content: row.content,
          tags: marks.get(Number(row.pk))?.tags ?? [],
          links: (marks.get(Number(row.pk))?.links ?? []).map((l) => ({
            project: l.projectId,
            thread: l.threadId,
            note: l.note,
          })),
          // A deleted entry keeps its number (a tombstone); its tags and links went with its text.
          ...(Number(row.deleted) === 1 ? { deleted: true as const } : {}),
        });
        lines.push(line);
        afterSeq++;
        entries++;
        bytes += line.length;
        if (bytes >= EXPORT_PAGE_BYTES) break;
      }
      if (rows.length < wanted && afterSeq + 1 < announced && bytes < EXPORT_PAGE_BYTES) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: 'entries were deleted during the export: download again',
        });
      }
      if (afterSeq + 1 >= announced) {
        // The thread is done: the next one from its start.
        threadPk++;
        afterSeq = -1;
        announced = 0;
      }
      if (entries >= EXPORT_PAGE_ENTRIES || bytes >= EXPORT_PAGE_BYTES) {
        return { lines, nextCursor: encodeCursor([threadPk, afterSeq, announced]) };
      }
    }
  }

  async projects(userId: string) {
    const rows = await this.db.all<{
      projectId: string;
      threadCount: number;
      lastActivityAt: string | null;
    }>(sql`
      SELECT p.id AS "projectId", CAST(count(t.pk) AS INTEGER) AS "threadCount",
             max(t.last_activity_at) AS "lastActivityAt"
      FROM projects p JOIN threads t ON t.user_id = p.user_id AND t.project_id = p.id
      WHERE p.user_id = ${userId} GROUP BY p.id ORDER BY p.id`);
    return {
      projects: rows.map((r) => ({
        projectId: r.projectId,
        threadCount: r.threadCount,
        lastActivityAt: r.lastActivityAt ? new Date(r.lastActivityAt) : null,
      })),
    };
  }
}
