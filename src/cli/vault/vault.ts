// The local vault's domain operations: threads, entries, tags, links, search. No CLI code here.
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { notFound, usageError, VltError } from '../../shared/errors.js';
import { parseEntryPlace, type ThreadStatus } from '../../shared/names.js';
import { matchFor, type AnswerTerm, type EntrySource, type OracleSource } from '../../shared/oracle.js';
import {
  retrieve,
  type CandidateRow,
  type ChunkNeighbour,
  type Neighbour,
  type NoteCandidate,
  type CodeCandidate,
  type CodeNeighbour,
  type RetrievalSettings,
} from '../../shared/retrieval.js';
import { buildFtsQuery, rankQuery, type WordCounts } from '../../shared/search-query.js';
import { chunkCount, termCounter, wordCounts } from './word-counts.js';
import { summarizeThread, SUMMARY_VERSION, type ThreadSummary as Summary } from '../../shared/summary.js';
import {
  ENTRY_SHAPE,
  highlightCte,
  hitsCte,
  scoreOf,
  taggedCte,
  taggedIn,
  type EntryIndex,
  type FtsIndex,
  type Statement,
} from '../../shared/fts5.js';
import type { ExportedThread } from '../../shared/export-format.js';
import { uuidv7 } from '../../shared/uuidv7.js';
import { unknownThread } from './append.js';
import { vaultLexicon } from './lexicon.js';
import type { Sqlite } from './open.js';
import * as schema from './schema.js';
import { VAULT_CHUNK_INDEX } from './notes.js';
import { VAULT_CODE_INDEX } from './code.js';
import { Outbox } from './outbox.js';
import { applyRevision } from './revisions.js';
import { entries, entryTags, projects, references, states, tags, threads } from './schema.js';

export { unknownThread };

export type ThreadRow = typeof threads.$inferSelect;

export interface EntryView {
  id: string;
  seq: number;
  author: string;
  content: string;
  timestamp: string;
  synced: boolean;
  tags: string[];
  /** With a search: the content with the matched words between ** marks. */
  highlight?: string;
  /** With `tombstones`: a deleted entry (content ""), kept for its number. */
  deleted?: true;
}

export interface ThreadSummary {
  project: string;
  thread: string;
  status: ThreadStatus;
  entries: number;
  lastActivity: string;
  syncedSeq: number;
  localSeq: number;
  pending: number;
  failed: number;
}

/** A thread's summary and the entry it is current to (null: the thread has no entries). */
export interface StoredSummary {
  summary: Summary;
  headEntryId: string | null;
  /** The algorithm's version (SUMMARY_VERSION). */
  version: number;
  /** Made again from the entries by this read (the stored one was behind, or there was none). */
  rebuilt: boolean;
}

/** A search hit as `vlt thread seek --json` prints it: an Oracle source without its content, time as text. */
export type SeekResult = Omit<EntrySource, 'kind' | 'content' | 'context' | 'timestamp'> & {
  timestamp: string;
};

/** The vault's one index of entries (migration 0001), kept by triggers. */
const VAULT_INDEX: EntryIndex = { table: 'entries_fts', vocab: 'entries_vocab', shape: ENTRY_SHAPE };

export class Vault {
  readonly orm: BetterSQLite3Database<typeof schema>;

  constructor(readonly sqlite: Sqlite) {
    this.orm = drizzle(sqlite, { schema });
  }

  close(): void {
    this.sqlite.close();
  }

  findThread(project: string, slug: string): ThreadRow | undefined {
    return this.orm
      .select()
      .from(threads)
      .where(and(eq(threads.projectId, project), eq(threads.slug, slug)))
      .get();
  }

  requireThread(project: string, slug: string): ThreadRow {
    const thread = this.findThread(project, slug);
    if (!thread) throw unknownThread(project, slug);
    return thread;
  }

  /** The outbox module: the vault's sync state (queue, watermarks, thread changes). */
  get outbox(): Outbox {
    return (this.syncState ??= new Outbox(this.sqlite));
  }
  private syncState: Outbox | undefined;

  serverSeq(threadPk: number): number {
    return this.outbox.serverSeq(threadPk);
  }

  /** The thread's entries that are not deleted (the others keep their numbers as tombstones). */
  liveEntryCount(threadPk: number): number {
    return (
      this.sqlite
        .prepare('SELECT count(*) AS n FROM entries WHERE thread_pk = ? AND deleted = 0')
        .get(threadPk) as {
        n: number;
      }
    ).n;
  }

  /**
   * The last `limit` entries (or all), oldest first; with `search`, only the matching ones; with
   * `tombstones` (an export), deleted entries too, marked `deleted`.
   */
  readEntries(
    thread: ThreadRow,
    options: { limit?: number; search?: string; tombstones?: boolean },
  ): EntryView[] {
    const watermark = this.serverSeq(thread.pk);
    type Row = {
      pk: number;
      id: string;
      seq: number;
      author: string;
      content: string;
      timestamp: string;
      deleted?: number;
    };
    let rows: (Row & { highlight?: string })[];
    if (options.search !== undefined) {
      const query = buildFtsQuery(options.search);
      if (!query) throw new VltError('the search has no words to look for: give it some words');
      const within = query.tags.length > 0 ? taggedIn({ kind: 'vault' }, query.tags) : undefined;
      rows = rankQuery(query, (match) => this.matchInThread(thread.pk, match, within), this.wordCounts());
      if (options.limit !== undefined) rows = rows.slice(-options.limit);
    } else {
      const base = this.orm
        .select({
          pk: entries.pk,
          id: entries.id,
          seq: entries.seq,
          author: entries.author,
          content: entries.content,
          timestamp: entries.timestamp,
          deleted: entries.deleted,
        })
        .from(entries)
        .where(
          options.tombstones
            ? eq(entries.threadPk, thread.pk)
            : and(eq(entries.threadPk, thread.pk), eq(entries.deleted, 0)),
        );
      rows =
        options.limit === undefined
          ? base.orderBy(asc(entries.seq)).all()
          : base.orderBy(desc(entries.seq)).limit(options.limit).all().reverse();
    }
    const tagsByEntry = this.tagsFor(rows.map((r) => r.pk));
    return rows.map((r) => ({
      id: r.id,
      seq: r.seq,
      author: r.author,
      content: r.content,
      timestamp: r.timestamp,
      synced: r.seq <= watermark,
      tags: tagsByEntry.get(r.pk) ?? [],
      ...(r.highlight === undefined ? {} : { highlight: r.highlight }),
      ...(r.deleted ? { deleted: true as const } : {}),
    }));
  }

  /**
   * Up to `limit` entries with a sequence from `fromSeq` to `toSeq` (inclusive), oldest first or
   * newest first: a page of a thread, for readers that go through it in parts (`vlt mcp`).
   */
  readRange(
    thread: ThreadRow,
    range: { order: 'oldest' | 'newest'; fromSeq: number; toSeq: number; limit: number },
  ): EntryView[] {
    const watermark = this.serverSeq(thread.pk);
    const rows = this.orm
      .select({
        pk: entries.pk,
        id: entries.id,
        seq: entries.seq,
        author: entries.author,
        content: entries.content,
        timestamp: entries.timestamp,
      })
      .from(entries)
      .where(
        and(
          eq(entries.threadPk, thread.pk),
          eq(entries.deleted, 0),
          sql`${entries.seq} BETWEEN ${range.fromSeq} AND ${range.toSeq}`,
        ),
      )
      .orderBy(range.order === 'oldest' ? asc(entries.seq) : desc(entries.seq))
      .limit(range.limit)
      .all();
    const tagsByEntry = this.tagsFor(rows.map((r) => r.pk));
    return rows.map(({ pk, ...r }) => ({
      ...r,
      synced: r.seq <= watermark,
      tags: tagsByEntry.get(pk) ?? [],
    }));
  }

  private matchInThread(threadPk: number, match: string, within: Statement | undefined) {
    if (match === '' && within) {
      // Tags only: every entry of the thread with them, as it is.
      return this.sqlite
        .prepare(
          `SELECT e.pk, e.id, e.seq, e.author, e.content, e.timestamp, e.content AS highlight FROM entries e
           WHERE e.thread_pk = ? AND e.pk IN (${within.text}) ORDER BY e.seq`,
        )
        .all(threadPk, ...within.params) as {
        pk: number;
        id: string;
        seq: number;
        author: string;
        content: string;
        timestamp: string;
        highlight: string;
      }[];
    }
    const hits = highlightCte(VAULT_INDEX, match, threadPk, within);
    return this.sqlite
      .prepare(
        `WITH ${hits.text}
         SELECT e.pk, e.id, e.seq, e.author, e.content, e.timestamp, hits.highlight
         FROM hits JOIN entries e ON e.pk = hits.pk ORDER BY e.seq`,
      )
      .all(...hits.params) as {
      pk: number;
      id: string;
      seq: number;
      author: string;
      content: string;
      timestamp: string;
      highlight: string;
    }[];
  }

  private tagsFor(entryPks: number[]): Map<number, string[]> {
    const byEntry = new Map<number, string[]>();
    if (entryPks.length === 0) return byEntry;
    const rows = this.orm
      .select({ entryPk: entryTags.entryPk, name: tags.name })
      .from(entryTags)
      .innerJoin(tags, eq(tags.id, entryTags.tagId))
      .where(sql`${entryTags.entryPk} IN (SELECT value FROM json_each(${JSON.stringify(entryPks)}))`)
      .orderBy(asc(tags.name))
      .all();
    for (const row of rows) {
      const list = byEntry.get(row.entryPk) ?? [];
      list.push(row.name);
      byEntry.set(row.entryPk, list);
    }
    return byEntry;
  }

  listThreads(filter: { project?: string | undefined; status?: ThreadStatus | undefined }): ThreadSummary[] {
    const conditions: SQL[] = [];
    if (filter.project !== undefined) conditions.push(eq(threads.projectId, filter.project));
    if (filter.status !== undefined) conditions.push(eq(threads.status, filter.status));
    // A thread whose entries are all deleted (`vlt thread delete`) is gone from the list.
    conditions.push(
      sql`(${threads.lastSeq} < 0 OR EXISTS (SELECT 1 FROM entries e WHERE e.thread_pk = threads.pk AND e.deleted = 0))`,
    );
    const rows = this.orm
      .select({
        pk: threads.pk,
        project: threads.projectId,
        thread: threads.slug,
        status: threads.status,
        localSeq: threads.lastSeq,
        lastActivity: threads.updatedAt,
        live: sql<number>`(SELECT count(*) FROM entries e WHERE e.thread_pk = threads.pk AND e.deleted = 0)`,
      })
      .from(threads)
      .where(and(...conditions))
      .orderBy(desc(threads.updatedAt), asc(threads.projectId), asc(threads.slug))
      .all();
    const states = this.outbox.threadStates();
    return rows.map(({ pk, live, ...r }) => {
      const state = states.get(pk);
      return {
        ...r,
        // The entries one can read: a deleted one keeps its number (localSeq) but is not counted.
        entries: live,
        syncedSeq: state?.serverSeq ?? -1,
        pending: state?.pending ?? 0,
        failed: state?.failed ?? 0,
      };
    });
  }

  /**
   * Ranked full-text search (bm25) with snippets; all words first, then any of them (rankQuery)
   * if that finds nothing.
   */
  seek(text: string, options: { project?: string | undefined; limit: number }): SeekResult[] {
    const query = buildFtsQuery(text);
    if (!query) throw new VltError('the search has no words to look for: give it some words');
    const within = query.tags.length > 0 ? taggedIn({ kind: 'vault' }, query.tags) : undefined;
    return rankQuery(query, (match) => this.rank(match, within, options), this.wordCounts());
  }

  /** How many of the vault's entries hold each word: for a search's any-word fallback. */
  private wordCounts(): WordCounts {
    return wordCounts(this.sqlite, VAULT_INDEX, () => this.entryTotal());
  }

  /** The vault's entry count, near enough and read in one step (count(*) would scan the table). */
  private entryTotal(): number {
    return (
      this.sqlite.prepare('SELECT coalesce(max(pk), 0) AS total FROM entries').get() as { total: number }
    ).total;
  }

  private rank(
    match: string,
    within: Statement | undefined,
    options: { project?: string | undefined; limit: number },
  ): SeekResult[] {
    const filter = { projectId: options.project, within };
    // Tags only (`tag:decision`): the newest entries with them.
    const hits =
      match === '' && within
        ? taggedCte(within, filter, options.limit)
        : hitsCte(VAULT_INDEX, match, filter, options.limit, { snippet: true });
    const rows = this.sqlite
      .prepare(
        `WITH ${hits.text}
         SELECT hits.rank, hits.snippet, e.id, e.seq, e.author, e.timestamp, t.slug, t.project_id AS project
         FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk
         ORDER BY hits.rank`,
      )
      .all(...hits.params) as {
      rank: number;
      snippet: string;
      id: string;
      seq: number;
      author: string;
      timestamp: string;
      slug: string;
      project: string;
    }[];
    return rows.map((row) => ({
      project: row.project,
      thread: row.slug,
      entryId: row.id,
      seq: row.seq,
      snippet: row.snippet,
      score: scoreOf(row.rank),
      author: row.author,
      timestamp: row.timestamp,
    }));
  }

  /** The Oracle's retrieval over this vault: the server's retrieval (shared/retrieval.ts) on the vault's index. */
  async oracleSources(
    question: string,
    options: {
      project?: string | undefined;
      limit: number;
      settings?: Partial<RetrievalSettings>;
      /** Only entries with this tag (notes and code are left out). */
      tag?: string | undefined;
    },
  ): Promise<{ terms: AnswerTerm[]; sources: OracleSource[] }> {
    const within = options.tag === undefined ? undefined : taggedIn({ kind: 'vault' }, [options.tag]);
    // How many rows of an index hold a term, from its fts5vocab table: entries, note and code chunks alike.
    const counterOf = (index: FtsIndex) => termCounter(this.sqlite, index);
    const documents = counterOf(VAULT_INDEX);
    const candidates = (terms: Parameters<typeof matchFor>[0], limit: number) => {
      if (terms.length === 0) return [];
      const hits = hitsCte(VAULT_INDEX, matchFor(terms), { projectId: options.project, within }, limit, {
        snippet: false,
      });
      return this.sqlite
        .prepare(
          `WITH ${hits.text}
           SELECT hits.rank, e.content, e.id AS entryId, e.seq, e.author, e.timestamp,
                  t.project_id AS project, t.slug AS thread, e.thread_pk AS threadPk
           FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk
           ORDER BY hits.rank`,
        )
        .all(...hits.params) as CandidateRow[];
    };
    const entriesAt = (places: { threadPk: number; seq: number }[]) =>
      places.length === 0
        ? []
        : (this.sqlite
            .prepare(
              `SELECT e.thread_pk AS threadPk, e.seq, e.content FROM entries e
               WHERE (e.thread_pk, e.seq) IN (VALUES ${places.map(() => '(?, ?)').join(', ')})`,
            )
            .all(...places.flatMap((p) => [p.threadPk, p.seq])) as Neighbour[]);
    const total = () => this.entryTotal();
    // Note chunks: counted with the entries (one set of statistics), fetched beside them.
    const chunkDocuments = counterOf(VAULT_CHUNK_INDEX);
    const chunkTotal = () => chunkCount(this.sqlite, 'note_chunks');
    const noteCandidates = (terms: Parameters<typeof matchFor>[0], limit: number) => {
      if (terms.length === 0 || within) return [];
      const hits = hitsCte(VAULT_CHUNK_INDEX, matchFor(terms), { projectId: options.project }, limit, {
        snippet: false,
      });
      return this.sqlite
        .prepare(
          `WITH ${hits.text}
           SELECT 'note' AS kind, hits.rank, c.content, n.project_id AS project, n.path, n.title, c.heading,
                  c.heading_text AS headingText, c.start_line AS startLine, c.end_line AS endLine,
                  c.note_pk AS notePk, c.seq, n.indexed_at AS timestamp
           FROM hits JOIN note_chunks c ON c.pk = hits.pk JOIN notes n ON n.pk = c.note_pk
           ORDER BY hits.rank`,
        )
        .all(...hits.params) as NoteCandidate[];
    };
    const chunksAt = (places: { notePk: number; seq: number }[]) =>
      places.length === 0
        ? []
        : (this.sqlite
            .prepare(
              `SELECT c.note_pk AS notePk, c.seq, c.content FROM note_chunks c
               WHERE (c.note_pk, c.seq) IN (VALUES ${places.map(() => '(?, ?)').join(', ')})`,
            )
            .all(...places.flatMap((p) => [p.notePk, p.seq])) as ChunkNeighbour[]);
    // Code chunks: the same again, from the code index.
    const codeDocuments = counterOf(VAULT_CODE_INDEX);
    const codeTotal = () => chunkCount(this.sqlite, 'code_chunks');
    const codeCandidates = (terms: Parameters<typeof matchFor>[0], limit: number) => {
      if (terms.length === 0 || within) return [];
      const hits = hitsCte(VAULT_CODE_INDEX, matchFor(terms), { projectId: options.project }, limit, {
        snippet: false,
      });
      return this.sqlite
        .prepare(
          `WITH ${hits.text}
           SELECT 'code' AS kind, hits.rank, c.content, f.project_id AS project, f.path, f.language, c.symbol,
                  c.container, c.signature, c.start_line AS startLine, c.end_line AS endLine,
                  c.file_pk AS filePk, c.seq, f.indexed_at AS timestamp
           FROM hits JOIN code_chunks c ON c.pk = hits.pk JOIN code_files f ON f.pk = c.file_pk
           ORDER BY hits.rank`,
        )
        .all(...hits.params) as CodeCandidate[];
    };
    const codeChunksAt = (places: { filePk: number; seq: number }[]) =>
      places.length === 0
        ? []
        : (this.sqlite
            .prepare(
              `SELECT c.file_pk AS filePk, c.seq, c.content FROM code_chunks c
               WHERE (c.file_pk, c.seq) IN (VALUES ${places.map(() => '(?, ?)').join(', ')})`,
            )
            .all(...places.flatMap((p) => [p.filePk, p.seq])) as CodeNeighbour[]);
    return retrieve(
      {
        counts: (terms) =>
          Promise.resolve({
            counts: terms.map((t) => documents(t) + chunkDocuments(t) + codeDocuments(t)),
            total: total() + chunkTotal() + codeTotal(),
          }),
        candidates: (terms, limit) => Promise.resolve(candidates(terms, limit)),
        entriesAt: (places) => Promise.resolve(entriesAt(places)),
        noteCandidates: (terms, limit) => Promise.resolve(noteCandidates(terms, limit)),
        chunksAt: (places) => Promise.resolve(chunksAt(places)),
        codeCandidates: (terms, limit) => Promise.resolve(codeCandidates(terms, limit)),
        codeChunksAt: (places) => Promise.resolve(codeChunksAt(places)),
      },
      question,
      { limit: options.limit, settings: options.settings, lexicon: vaultLexicon() },
    );
  }

  /**
   * The thread's summary (src/shared/summary.ts): the stored one while it is current (made by
   * this algorithm, up to the thread's last entry, from the same place, status and tags); else
   * made again from all the entries (never from the stored summary) and stored.
   */
  threadSummary(thread: ThreadRow): StoredSummary {
    const head = this.sqlite
      .prepare('SELECT id FROM entries WHERE thread_pk = ? AND seq = ?')
      .get(thread.pk, thread.lastSeq) as { id: string } | undefined;
    const tagged = this.sqlite
      .prepare(
        `SELECT count(*) AS n, coalesce(max(et.rowid), 0) AS last FROM entry_tags et
         JOIN entries e ON e.pk = et.entry_pk WHERE e.thread_pk = ?`,
      )
      .get(thread.pk) as { n: number; last: number };
    const revised = this.sqlite
      .prepare(
        `SELECT count(*) AS n, coalesce(max(r.pk), 0) AS last FROM entry_revisions r
         JOIN entries e ON e.pk = r.entry_pk WHERE e.thread_pk = ?`,
      )
      .get(thread.pk) as { n: number; last: number };
    // Edits and deletions count too (a summary from before them is stale).
    const basis = JSON.stringify([
      thread.projectId,
      thread.slug,
      thread.status,
      thread.lastSeq,
      tagged.n,
      tagged.last,
      ...(revised.n > 0 ? [revised.n, revised.last] : []),
    ]);
    const id = `thread:${thread.pk}`;
    const headEntryId = head?.id ?? null;
    const stored = this.orm.select().from(states).where(eq(states.id, id)).get();
    if (
      stored &&
      stored.algorithm === SUMMARY_VERSION &&
      stored.headEntryId === headEntryId &&
      stored.basis === basis
    ) {
      return {
        summary: JSON.parse(stored.summary) as Summary,
        headEntryId,
        version: SUMMARY_VERSION,
        rebuilt: false,
      };
    }
    const rows = this.sqlite
      .prepare('SELECT pk, seq, content FROM entries WHERE thread_pk = ? AND deleted = 0 ORDER BY seq')
      .all(thread.pk) as { pk: number; seq: number; content: string }[];
    const tagRows = this.sqlite
      .prepare(
        `SELECT et.entry_pk AS pk, t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id
         JOIN entries e ON e.pk = et.entry_pk WHERE e.thread_pk = ? ORDER BY t.name`,
      )
      .all(thread.pk) as { pk: number; name: string }[];
    const tagsOf = new Map<number, string[]>();
    for (const row of tagRows) tagsOf.set(row.pk, [...(tagsOf.get(row.pk) ?? []), row.name]);
    const summary = summarizeThread({
      project: thread.projectId,
      thread: thread.slug,
      status: thread.status,
      entries: rows.map((r) => ({ seq: r.seq, content: r.content, tags: tagsOf.get(r.pk) ?? [] })),
    });
    const values = {
      summary: JSON.stringify(summary),
      headEntryId,
      algorithm: SUMMARY_VERSION,
      basis,
      createdAt: new Date().toISOString(),
    };
    try {
      this.orm
        .insert(states)
        .values({ id, targetType: 'thread', targetId: String(thread.pk), ...values })
        .onConflictDoUpdate({ target: states.id, set: values })
        .run();
    } catch (error) {
      // Storing is only to spare the next read the work: a vault that cannot take the write now
      // (read-only, locked) still gets its summary.
      if (!String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_')) throw error;
    }
    return { summary, headEntryId, version: SUMMARY_VERSION, rebuilt: true };
  }

  /**
   * An entry by id, by a unique id prefix (at least 6 characters), or by its place as the CLI
   * prints it: `thread/seq`, `project/thread/seq`, `thread#seq`, `project/thread#seq` (the current
   * project applies to the short forms). Its label is `project/thread/seq`, as `OK:` prints it.
   */
  resolveEntry(
    ref: string,
    currentProject: string | undefined,
  ): { pk: number; id: string; threadPk: number; label: string } {
    const place = parseEntryPlace(ref);
    if (place) {
      const project = place.project ?? currentProject;
      if (!project) {
        throw new VltError(`no project for '${ref}': write it as project/thread/seq, or run \`vlt init\``);
      }
      const thread = this.requireThread(project, place.thread);
      const entry = this.orm
        .select({ pk: entries.pk, id: entries.id })
        .from(entries)
        .where(and(eq(entries.threadPk, thread.pk), eq(entries.seq, place.seq)))
        .get();
      if (!entry) {
        throw notFound(
          thread.lastSeq < 0
            ? `no entry ${ref}: the thread has no entries`
            : `no entry ${ref}: the thread has entries 0 to ${thread.lastSeq}`,
        );
      }
      return { ...entry, threadPk: thread.pk, label: `${project}/${thread.slug}/${place.seq}` };
    }
    const prefix = ref.toLowerCase();
    if (!/^[0-9a-f-]{6,36}$/.test(prefix)) {
      throw usageError(
        `'${ref}' is not an entry: give thread/seq (as \`OK:\` prints it), or its id (see \`vlt thread read <thread> --json\`)`,
      );
    }
    const matches = this.orm
      .select({
        pk: entries.pk,
        id: entries.id,
        seq: entries.seq,
        threadPk: entries.threadPk,
        slug: threads.slug,
        project: threads.projectId,
      })
      .from(entries)
      .innerJoin(threads, eq(threads.pk, entries.threadPk))
      .where(sql`${entries.id} GLOB ${prefix + '*'}`)
      .limit(2)
      .all();
    const [match] = matches;
    if (!match)
      throw notFound(`no entry with id ${ref}: check the id with \`vlt thread read <thread> --json\``);
    if (matches.length > 1) throw new VltError(`entry id prefix ${ref} is ambiguous: give more of the id`);
    return {
      pk: match.pk,
      id: match.id,
      threadPk: match.threadPk,
      label: `${match.project}/${match.slug}/${match.seq}`,
    };
  }

  /**
   * Tags an entry; tagging twice is a no-op. Returns false when the tag was already there. A new
   * tag waits in the outbox for `server` (the server in force; null: the user's own).
   */
  tagEntry(entryPk: number, tag: string, server: string | null): boolean {
    return this.orm.transaction(
      (tx) => {
        tx.insert(tags).values({ name: tag }).onConflictDoNothing().run();
        const tagRow = tx.select({ id: tags.id }).from(tags).where(eq(tags.name, tag)).get();
        if (!tagRow) throw new Error(`tag ${tag} vanished inside its transaction`);
        const result = tx.insert(entryTags).values({ entryPk, tagId: tagRow.id }).onConflictDoNothing().run();
        if (result.changes > 0) this.outbox.recordTag(entryPk, tag, server);
        return result.changes > 0;
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Links an entry to a thread with an optional note; linking again replaces the note. Returns
   * false when the link was there already with that note; a change waits in the outbox for `server`.
   */
  linkEntry(entryPk: number, target: ThreadRow, note: string | undefined, server: string | null): boolean {
    return this.orm.transaction(
      (tx) => {
        const existing = tx
          .select({ note: references.note })
          .from(references)
          .where(and(eq(references.sourceEntryPk, entryPk), eq(references.targetThreadPk, target.pk)))
          .get();
        // Without --note an existing link keeps its note; --note "" takes it away.
        if (existing && note === undefined) return false;
        const wanted = note === undefined || note === '' ? null : note;
        if (existing && existing.note === wanted) return false;
        note = wanted ?? undefined;
        const at = new Date().toISOString();
        tx.insert(references)
          .values({
            id: uuidv7(),
            sourceEntryPk: entryPk,
            targetThreadPk: target.pk,
            note: note ?? null,
            createdAt: at,
          })
          .onConflictDoUpdate({
            target: [references.sourceEntryPk, references.targetThreadPk],
            set: { note: note ?? null, createdAt: at },
          })
          .run();
        this.outbox.recordLink(entryPk, target.pk, note ?? null, at, server);
        return true;
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Edits an entry (`content`) or deletes it (null) here: a new revision, the old text kept in the
   * entry's history; it waits in the outbox for `server`. Returns the revision's pk, or undefined
   * when nothing changes (the same text, or an entry deleted already).
   */
  reviseEntry(entryPk: number, content: string | null, server: string | null): number | undefined {
    return this.sqlite
      .transaction(() => {
        const entry = this.sqlite
          .prepare('SELECT content, deleted FROM entries WHERE pk = ?')
          .get(entryPk) as {
          content: string;
          deleted: number;
        };
        if (entry.deleted || entry.content === content) return undefined;
        const revisionPk = applyRevision(this.sqlite, this.outbox, entryPk, {
          revisionId: uuidv7(),
          content,
          at: new Date().toISOString(),
        });
        if (revisionPk !== undefined) this.outbox.recordRevision(revisionPk, server);
        return revisionPk;
      })
      .immediate();
  }

  /** An entry's texts, oldest first: the first, each edit, a deletion (content ''). */
  entryHistory(entryPk: number): { revisionId: string; content: string; deleted: boolean; at: string }[] {
    return (
      this.sqlite
        .prepare(
          'SELECT revision_id AS revisionId, content, deleted, at FROM entry_revisions WHERE entry_pk = ? ORDER BY at, revision_id',
        )
        .all(entryPk) as { revisionId: string; content: string; deleted: number; at: string }[]
    ).map((r) => ({ ...r, deleted: r.deleted === 1 }));
  }

  /**
   * An entry's texts as `vlt thread history` shows them, oldest first; `current` marks the one
   * that stands (the entry's revision_id as revisions.ts settled it, or its first text), none once
   * deleted. An entry never edited has its one text.
   */
  entryTexts(entryPk: number): {
    deleted: boolean;
    revisions: {
      revisionId: string;
      at: string;
      content: string | null;
      deleted: boolean;
      current: boolean;
    }[];
  } {
    const entry = this.sqlite
      .prepare('SELECT id, content, timestamp, deleted, revision_id AS revisionId FROM entries WHERE pk = ?')
      .get(entryPk) as {
      id: string;
      content: string;
      timestamp: string;
      deleted: number;
      revisionId: string | null;
    };
    const deleted = entry.deleted === 1;
    const history = this.entryHistory(entryPk);
    const texts =
      history.length > 0
        ? history
        : [{ revisionId: entry.id, content: entry.content, deleted, at: entry.timestamp }];
    const standing = deleted ? undefined : (entry.revisionId ?? entry.id);
    return {
      deleted,
      revisions: texts.map((r) => ({
        revisionId: r.revisionId,
        at: r.at,
        content: r.deleted ? null : r.content,
        deleted: r.deleted,
        current: r.revisionId === standing,
      })),
    };
  }

  /** Whether the entry is a tombstone. */
  isDeleted(entryPk: number): boolean {
    return (
      (this.sqlite.prepare('SELECT deleted FROM entries WHERE pk = ?').get(entryPk) as { deleted: number })
        .deleted === 1
    );
  }

  /** Moves a thread; `server` is the server in force, which the move goes to if the server has the thread. */
  moveThread(thread: ThreadRow, toProject: string, server: string | null): void {
    this.orm.transaction(
      (tx) => {
        tx.insert(projects).values({ id: toProject, name: toProject }).onConflictDoNothing().run();
        if (this.findThread(toProject, thread.slug)) {
          throw new VltError(
            `project '${toProject}' already has a thread '${thread.slug}': rename one of them first`,
          );
        }
        tx.update(threads).set({ projectId: toProject }).where(eq(threads.pk, thread.pk)).run();
        // The server's copy follows at the next sync; entries set aside go again, to the new place.
        this.outbox.recordMove(thread.pk, thread.projectId, toProject, server);
      },
      { behavior: 'immediate' },
    );
  }

  /** Sets a thread's status; `server` as for moveThread. */
  setStatus(thread: ThreadRow, status: ThreadStatus, server: string | null): void {
    this.orm.transaction(
      (tx) => {
        tx.update(threads).set({ status }).where(eq(threads.pk, thread.pk)).run();
        // The server's copy follows at the next sync (a new thread gets it with its first entries).
        this.outbox.recordStatus(thread.pk, server);
      },
      { behavior: 'immediate' },
    );
  }

  /** Outgoing links of the given entries, for `thread read`. */
  linksFrom(entryIds: string[]): Map<string, { project: string; thread: string; note: string | null }[]> {
    const byEntry = new Map<string, { project: string; thread: string; note: string | null }[]>();
    if (entryIds.length === 0) return byEntry;
    const rows = this.orm
      .select({
        entryId: entries.id,
        project: threads.projectId,
        thread: threads.slug,
        note: references.note,
      })
      .from(references)
      .innerJoin(entries, eq(entries.pk, references.sourceEntryPk))
      .innerJoin(threads, eq(threads.pk, references.targetThreadPk))
      .where(sql`${entries.id} IN (SELECT value FROM json_each(${JSON.stringify(entryIds)}))`)
      .all();
    for (const row of rows) {
      const list = byEntry.get(row.entryId) ?? [];
      list.push({ project: row.project, thread: row.thread, note: row.note });
      byEntry.set(row.entryId, list);
    }
    return byEntry;
  }

  // ---- export and import ------------------------------------------------------------------------

  /** The threads to export (of one project, or all), in project and thread order. */
  threadsToExport(project?: string): ThreadRow[] {
    return this.orm
      .select()
      .from(threads)
      .where(project === undefined ? undefined : eq(threads.projectId, project))
      .orderBy(asc(threads.projectId), asc(threads.slug))
      .all();
  }

  /** One thread as an export holds it: every entry with its tags and outgoing links. */
  exportThread(thread: ThreadRow): ExportedThread {
    const project = this.orm
      .select({ name: projects.name })
      .from(projects)
      .where(eq(projects.id, thread.projectId))
      .get();
    const all = this.readEntries(thread, { tombstones: true });
    const links = this.linksFrom(all.map((e) => e.id));
    const byTarget = (a: { project: string; thread: string }, b: { project: string; thread: string }) =>
      a.project < b.project
        ? -1
        : a.project > b.project
          ? 1
          : a.thread < b.thread
            ? -1
            : a.thread > b.thread
              ? 1
              : 0;
    return {
      project: thread.projectId,
      thread: thread.slug,
      ...(project && project.name !== thread.projectId ? { projectName: project.name } : {}),
      status: thread.status,
      created: new Date(thread.createdAt).toISOString(),
      entries: all.map((e) => ({
        id: e.id,
        seq: e.seq,
        author: e.author,
        timestamp: e.timestamp,
        content: e.content,
        tags: e.tags,
        links: (links.get(e.id) ?? []).sort(byTarget),
        ...(e.deleted ? { deleted: true as const } : {}),
      })),
    };
  }

  /** A thread's entries in sequence order, as an import compares them with a file's. */
  threadEntries(
    threadPk: number,
  ): { pk: number; id: string; seq: number; content: string; author: string; deleted: number }[] {
    return this.orm
      .select({
        pk: entries.pk,
        id: entries.id,
        seq: entries.seq,
        content: entries.content,
        author: entries.author,
        deleted: entries.deleted,
      })
      .from(entries)
      .where(eq(entries.threadPk, threadPk))
      .orderBy(asc(entries.seq))
      .all();
  }

  /** Where an entry id is in this vault, if it is. */
  entryPlace(id: string): { pk: number; project: string; thread: string; seq: number } | undefined {
    return this.orm
      .select({ pk: entries.pk, project: threads.projectId, thread: threads.slug, seq: entries.seq })
      .from(entries)
      .innerJoin(threads, eq(threads.pk, entries.threadPk))
      .where(eq(entries.id, id))
      .get();
  }
}
