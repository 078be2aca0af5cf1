// Threads on the server: the sync endpoint's rules, listing, paging, search and pull. Every
// query is scoped by the user id the caller was authenticated as.
import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, gt, lt, or, sql, type SQL } from 'drizzle-orm';
import { utf8Length, type ThreadStatus } from '../../shared/names.js';
import type { PushInput } from '../../shared/schemas.js';
import { buildFtsQuery } from '../../shared/search-query.js';
import type { ServerDb } from '../db/index.js';
import { entries, projects, threads } from '../db/schema.js';
import type { Limits } from '../limits.js';

export const HIGHLIGHT = { open: '**', close: '**' };

/** A CONFLICT or BAD_REQUEST about one entry of a push: the client sets that entry aside. */
export class EntryRejected extends TRPCError {
  constructor(
    code: 'CONFLICT' | 'BAD_REQUEST',
    message: string,
    readonly entryId: string,
    readonly sequenceId: number,
  ) {
    super({ code, message });
  }
}

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
const isListCursor = (v: unknown): v is [string, number] =>
  Array.isArray(v) && typeof v[0] === 'string' && Number.isInteger(v[1]);
const isNumberCursor = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= -1;

type ThreadRow = typeof threads.$inferSelect;

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

  private find(userId: string, projectId: string, threadId: string): ThreadRow | undefined {
    return this.db.orm
      .select()
      .from(threads)
      .where(
        and(eq(threads.userId, userId), eq(threads.projectId, projectId), eq(threads.threadId, threadId)),
      )
      .get();
  }

  private require(userId: string, projectId: string, threadId: string): ThreadRow {
    const thread = this.find(userId, projectId, threadId);
    if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: `no thread ${projectId}/${threadId}` });
    return thread;
  }

  /**
   * Stores a batch of entries. Idempotent by entry id; a taken (thread, sequence) is CONFLICT and
   * the batch is stored not at all, so the client can set that entry aside and send the rest.
   */
  push(userId: string, input: PushInput) {
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
    const { orm } = this.db;
    const name = `${input.projectId}/${input.threadId}`;
    return this.db.sqlite
      .transaction(() => {
        orm.insert(projects).values({ userId, id: input.projectId }).onConflictDoNothing().run();
        const createdAt = input.createdAt.toISOString();
        const thread = orm
          .insert(threads)
          .values({
            userId,
            projectId: input.projectId,
            threadId: input.threadId,
            status: input.status,
            createdAt,
            lastActivityAt: createdAt,
          })
          .onConflictDoUpdate({
            target: [threads.userId, threads.projectId, threads.threadId],
            set: { status: input.status },
          })
          .returning()
          .get();
        let syncedCount = 0;
        let duplicateCount = 0;
        let lastActivity = thread.lastActivityAt;
        const { byEntryId, bySequence, insert } = this.statements();
        for (const entry of [...input.entries].sort((a, b) => a.sequenceId - b.sequenceId)) {
          const existing = byEntryId.get(userId, entry.entryId) as
            { thread_pk: number; sequence_id: number; content: string } | undefined;
          if (existing) {
            if (
              existing.thread_pk === thread.pk &&
              existing.sequence_id === entry.sequenceId &&
              existing.content === entry.content
            ) {
              duplicateCount++;
              continue;
            }
            throw new EntryRejected(
              'CONFLICT',
              `entry ${entry.entryId} is already stored with other content or at another place`,
              entry.entryId,
              entry.sequenceId,
            );
          }
          if (bySequence.get(thread.pk, entry.sequenceId)) {
            throw new EntryRejected(
              'CONFLICT',
              `sequence ${entry.sequenceId} of ${name} is taken by another entry: pull the thread, then push again`,
              entry.entryId,
              entry.sequenceId,
            );
          }
          const timestamp = entry.timestamp.toISOString();
          insert.run(
            userId,
            thread.pk,
            entry.entryId,
            entry.sequenceId,
            entry.content,
            entry.author,
            timestamp,
          );
          if (timestamp > lastActivity) lastActivity = timestamp;
          syncedCount++;
        }
        const watermark = this.watermark(thread.pk, thread.lastSyncedSequence);
        orm
          .update(threads)
          .set({
            entryCount: sql`${threads.entryCount} + ${syncedCount}`,
            lastActivityAt: lastActivity,
            lastSyncedSequence: watermark,
            lastSyncAt: new Date().toISOString(),
            syncError: null,
          })
          .where(eq(threads.pk, thread.pk))
          .run();
        return { syncedCount, duplicateCount, lastSyncedSequence: watermark };
      })
      .immediate();
  }

  private prepared: ReturnType<Threads['prepare']> | undefined;

  /** The per-entry statements of a push, prepared once: ingest runs them for every entry. */
  private statements() {
    return (this.prepared ??= this.prepare());
  }

  private prepare() {
    const { sqlite } = this.db;
    return {
      byEntryId: sqlite.prepare(
        'SELECT thread_pk, sequence_id, content FROM entries WHERE user_id = ? AND entry_id = ?',
      ),
      bySequence: sqlite.prepare('SELECT 1 FROM entries WHERE thread_pk = ? AND sequence_id = ?'),
      insert: sqlite.prepare(
        'INSERT INTO entries (user_id, thread_pk, entry_id, sequence_id, content, author, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  /** The highest n such that entries 0..n are all stored, moving up from the last known one. */
  private watermark(threadPk: number, from: number): number {
    let watermark = from;
    const next = this.db.sqlite.prepare(
      'SELECT sequence_id FROM entries WHERE thread_pk = ? AND sequence_id > ? ORDER BY sequence_id',
    );
    for (const row of next.iterate(threadPk, from) as Iterable<{ sequence_id: number }>) {
      if (row.sequence_id !== watermark + 1) break;
      watermark = row.sequence_id;
    }
    return watermark;
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
    const thread = this.require(userId, input.projectId, input.threadId);
    const newer = this.db.sqlite.prepare(
      'SELECT entry_id, sequence_id, content, author, timestamp FROM entries WHERE thread_pk = ? AND sequence_id > ? ORDER BY sequence_id LIMIT 100',
    );
    let after = input.afterSequence;
    while (!signal?.aborted) {
      const rows = newer.all(thread.pk, after) as {
        entry_id: string;
        sequence_id: number;
        content: string;
        author: string;
        timestamp: string;
      }[];
      if (rows.length > 0) {
        after = rows[rows.length - 1]!.sequence_id;
        yield rows.map((r) => ({
          entryId: r.entry_id,
          sequenceId: r.sequence_id,
          content: r.content,
          author: r.author,
          timestamp: new Date(r.timestamp),
        }));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  syncStatus(userId: string, projectId: string, threadId: string) {
    const thread = this.find(userId, projectId, threadId);
    return {
      lastSyncedSequence: thread?.lastSyncedSequence ?? -1,
      lastSyncAt: thread?.lastSyncAt ? new Date(thread.lastSyncAt) : null,
      syncError: thread?.syncError ?? null,
    };
  }

  list(
    userId: string,
    input: { projectId?: string; status?: ThreadStatus; cursor?: string; limit?: number },
  ) {
    const limit = this.pageSize(input.limit, 50);
    const conditions: SQL[] = [eq(threads.userId, userId)];
    if (input.projectId) conditions.push(eq(threads.projectId, input.projectId));
    if (input.status) conditions.push(eq(threads.status, input.status));
    if (input.cursor) {
      const [at, pk] = decodeCursor(input.cursor, isListCursor);
      conditions.push(
        or(lt(threads.lastActivityAt, at), and(eq(threads.lastActivityAt, at), lt(threads.pk, pk))) as SQL,
      );
    }
    const rows = this.db.orm
      .select()
      .from(threads)
      .where(and(...conditions))
      .orderBy(desc(threads.lastActivityAt), desc(threads.pk))
      .limit(limit + 1)
      .all();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      threads: page.map(threadView),
      nextCursor: rows.length > limit && last ? encodeCursor([last.lastActivityAt, last.pk]) : null,
    };
  }

  get(userId: string, input: { projectId: string; threadId: string; cursor?: string; limit?: number }) {
    const thread = this.require(userId, input.projectId, input.threadId);
    const limit = this.pageSize(input.limit, 100);
    const after = input.cursor ? decodeCursor(input.cursor, isNumberCursor) : -1;
    const rows = this.db.orm
      .select()
      .from(entries)
      .where(and(eq(entries.threadPk, thread.pk), gt(entries.sequenceId, after)))
      .orderBy(asc(entries.sequenceId))
      .limit(limit + 1)
      .all();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      thread: threadView(thread),
      entries: page.map((e) => ({
        entryId: e.entryId,
        sequenceId: e.sequenceId,
        content: e.content,
        author: e.author,
        timestamp: new Date(e.timestamp),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.sequenceId) : null,
    };
  }

  delete(userId: string, projectId: string, threadId: string) {
    const thread = this.require(userId, projectId, threadId);
    return this.db.sqlite
      .transaction(() => {
        const removed = this.db.orm.delete(entries).where(eq(entries.threadPk, thread.pk)).run().changes;
        this.db.orm.delete(threads).where(eq(threads.pk, thread.pk)).run();
        return { deleted: true as const, entries: removed };
      })
      .immediate();
  }

  search(userId: string, input: { query: string; projectId?: string; threadId?: string; limit?: number }) {
    const limit = this.pageSize(input.limit, 20);
    const query = buildFtsQuery(input.query);
    if (!query) return { results: [] };
    let threadPks: number[] | undefined;
    if (input.threadId) {
      const conditions = [eq(threads.userId, userId), eq(threads.threadId, input.threadId)];
      if (input.projectId) conditions.push(eq(threads.projectId, input.projectId));
      threadPks = this.db.orm
        .select({ pk: threads.pk })
        .from(threads)
        .where(and(...conditions))
        .all()
        .map((t) => t.pk);
      if (threadPks.length === 0) return { results: [] };
    }
    const run = (match: string) => {
      const filters = [sql`user_id = ${userId}`];
      if (input.projectId) filters.push(sql`project_id = ${input.projectId}`);
      if (threadPks)
        filters.push(sql`thread_pk IN (SELECT value FROM json_each(${JSON.stringify(threadPks)}))`);
      return this.db.orm.all<{
        rank: number;
        snippet: string;
        entryId: string;
        sequenceId: number;
        author: string;
        timestamp: string;
        projectId: string;
        threadId: string;
      }>(sql`
        WITH hits AS (
          SELECT rowid AS pk, rank, snippet(entries_fts, 0, ${HIGHLIGHT.open}, ${HIGHLIGHT.close}, '…', 16) AS snippet
          FROM entries_fts WHERE entries_fts MATCH ${match} AND ${sql.join(filters, sql` AND `)}
          ORDER BY rank LIMIT ${limit}
        )
        SELECT hits.rank, hits.snippet, e.entry_id AS entryId, e.sequence_id AS sequenceId, e.author,
               e.timestamp, t.project_id AS projectId, t.thread_id AS threadId
        FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk
        ORDER BY hits.rank`);
    };
    let rows = run(query.all);
    if (rows.length === 0 && query.terms.length > 1) rows = run(query.any);
    return {
      results: rows.map((r) => ({
        projectId: r.projectId,
        threadId: r.threadId,
        entryId: r.entryId,
        sequenceId: r.sequenceId,
        snippet: r.snippet,
        score: Number((-r.rank).toPrecision(6)),
        author: r.author,
        timestamp: new Date(r.timestamp),
      })),
    };
  }

  /** Entries stored since `cursor` (oldest first), for a second machine to catch up. */
  pull(userId: string, input: { cursor?: string; projectId?: string; limit?: number }) {
    const limit = this.pageSize(input.limit, 100);
    const after = input.cursor ? decodeCursor(input.cursor, isNumberCursor) : 0;
    const conditions: SQL[] = [eq(entries.userId, userId), gt(entries.pk, after)];
    if (input.projectId) conditions.push(eq(threads.projectId, input.projectId));
    const rows = this.db.orm
      .select({
        pk: entries.pk,
        projectId: threads.projectId,
        threadId: threads.threadId,
        status: threads.status,
        threadCreatedAt: threads.createdAt,
        entryId: entries.entryId,
        sequenceId: entries.sequenceId,
        content: entries.content,
        author: entries.author,
        timestamp: entries.timestamp,
      })
      .from(entries)
      .innerJoin(threads, eq(threads.pk, entries.threadPk))
      .where(and(...conditions))
      .orderBy(asc(entries.pk))
      .limit(limit + 1)
      .all();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      entries: page.map(({ pk: _pk, threadCreatedAt, timestamp, ...rest }) => ({
        ...rest,
        threadCreatedAt: new Date(threadCreatedAt),
        timestamp: new Date(timestamp),
      })),
      // The cursor to ask with next time: stays put when there is nothing new.
      cursor: encodeCursor(last ? last.pk : after),
      hasMore: rows.length > limit,
    };
  }

  projects(userId: string) {
    const rows = this.db.orm
      .select({
        projectId: projects.id,
        threadCount: sql<number>`(SELECT count(*) FROM ${threads} t WHERE t.user_id = ${projects.userId} AND t.project_id = ${projects.id})`,
        lastActivityAt: sql<
          string | null
        >`(SELECT max(t.last_activity_at) FROM ${threads} t WHERE t.user_id = ${projects.userId} AND t.project_id = ${projects.id})`,
      })
      .from(projects)
      .where(eq(projects.userId, userId))
      .orderBy(asc(projects.id))
      .all();
    return {
      projects: rows
        .filter((r) => r.threadCount > 0)
        .map((r) => ({
          projectId: r.projectId,
          threadCount: r.threadCount,
          lastActivityAt: r.lastActivityAt ? new Date(r.lastActivityAt) : null,
        })),
    };
  }
}
