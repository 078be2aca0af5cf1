// Full-text search on the server's SQLite: an FTS5 index per user (entries_fts_<user>), made and
// queried with the statements the local vault uses too (shared/fts5.ts). A user's query walks
// that user's index only, and bm25's statistics (entry count, term frequencies) are the user's own.
import type Database from 'better-sqlite3';
import {
  CHUNK_SHAPE,
  CODE_SHAPE,
  createIndex,
  deleteRows,
  insertRows,
  ENTRY_SHAPE,
  dropThread,
  hitsCte,
  insertEntries,
  moveThread,
  ORACLE_CANDIDATES,
  taggedCte,
  taggedIn,
  termCounter,
  type EntryIndex,
  type FtsIndex,
  type IndexedEntry,
  type IndexedRow,
  type Statement,
} from '../../shared/fts5.js';
import { matchFor, type OracleTerm } from '../../shared/oracle.js';
import type {
  CandidateRow,
  ChunkNeighbour,
  CodeCandidate,
  CodeNeighbour,
  Neighbour,
  NoteCandidate,
} from '../../shared/retrieval.js';
import { ftsTerm } from '../../shared/search-query.js';
import type {
  CodeHit,
  CodeSearch,
  EntrySearch,
  Executor,
  IndexedChunk,
  IndexedCodeChunk,
  NoteHit,
  NoteSearch,
  SearchHit,
} from './index.js';
import { CODE_CANDIDATE_COLUMNS } from './code-columns.js';

/** The index of one user: a name from the user's id (letters and digits only). */
export function userIndex(userId: string): EntryIndex {
  const key = userId.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (key.length === 0) throw new Error(`a user id without letters or digits: ${JSON.stringify(userId)}`);
  return { table: `entries_fts_${key}`, vocab: `entries_vocab_${key}`, shape: ENTRY_SHAPE };
}

/** The index of one user's note chunks. */
export function userChunkIndex(userId: string): FtsIndex {
  const { table } = userIndex(userId);
  const key = table.slice('entries_fts_'.length);
  return { table: `note_chunks_fts_${key}`, vocab: `note_chunks_vocab_${key}`, shape: CHUNK_SHAPE };
}

/** The index of one user's code chunks. */
export function userCodeIndex(userId: string): FtsIndex {
  const { table } = userIndex(userId);
  const key = table.slice('entries_fts_'.length);
  return { table: `code_chunks_fts_${key}`, vocab: `code_chunks_vocab_${key}`, shape: CODE_SHAPE };
}

const INDEX_TABLE = /^(entries_fts|note_chunks_fts|code_chunks_fts)_[a-z0-9]+$/;

export function sqliteSearch(
  sqlite: Database.Database,
  transaction: <T>(fn: () => Promise<T>) => Promise<T>,
): {
  entrySearch: EntrySearch;
  noteSearch: NoteSearch;
  codeSearch: CodeSearch;
  rolledBack: () => void;
} {
  const statements = new Map<string, Database.Statement>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      if (statements.size > 500) statements.clear();
      statements.set(text, statement);
    }
    return statement;
  };
  const all = <T>({ text, params }: Statement) => prepared(text).all(...params) as T[];

  // The indexes that exist, read once from the schema.
  let indexed: Set<string> | undefined;
  const exists = (index: FtsIndex) => {
    indexed ??= new Set(
      (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[])
        .map((row) => row.name)
        .filter((name) => INDEX_TABLE.test(name)),
    );
    return indexed.has(index.table);
  };

  /** Makes the user's index, with the entries the user has already (in the caller's transaction). */
  const build = (userId: string, index: EntryIndex) => {
    for (const statement of createIndex(index)) sqlite.exec(statement);
    sqlite
      .prepare(
        `INSERT INTO ${index.table} (rowid, content, project_id, thread_pk)
         SELECT e.pk, e.content, t.project_id, e.thread_pk FROM entries e JOIN threads t ON t.pk = e.thread_pk
         WHERE e.user_id = ?`,
      )
      .run(userId);
    indexed!.add(index.table);
    statements.clear();
  };

  /**
   * The user's index for a query, made first if the user has entries but no index yet (the first
   * start after an upgrade); undefined when the user has no entries (nothing to search).
   */
  const forReading = async (userId: string): Promise<EntryIndex | undefined> => {
    const index = userIndex(userId);
    if (exists(index)) return index;
    if (!sqlite.prepare('SELECT 1 FROM entries WHERE user_id = ? LIMIT 1').get(userId)) return undefined;
    await transaction(() => {
      if (!exists(index)) build(userId, index);
      return Promise.resolve();
    });
    return index;
  };

  const entrySearch: EntrySearch = {
    indexEntries(_tx: Executor, userId: string, entries: IndexedEntry[]) {
      if (entries.length === 0) return Promise.resolve();
      const index = userIndex(userId);
      // The push's transaction holds the write lock: the index is made (and filled) inside it.
      if (!exists(index)) build(userId, index);
      else {
        const { text, params } = insertEntries(index, entries);
        prepared(text).run(...params);
      }
      return Promise.resolve();
    },

    entryChanged(_tx: Executor, userId: string, entry: IndexedEntry) {
      const index = userIndex(userId);
      if (exists(index)) {
        const dropped = deleteRows(index, [entry.pk]);
        prepared(dropped.text).run(...dropped.params);
        if (entry.content !== '') {
          const { text, params } = insertEntries(index, [entry]);
          prepared(text).run(...params);
        }
      }
      return Promise.resolve();
    },

    threadMoved(_tx: Executor, userId: string, threadPk: number, projectId: string) {
      const index = userIndex(userId);
      if (exists(index)) {
        const { text, params } = moveThread(index, threadPk, projectId);
        prepared(text).run(...params);
      }
      return Promise.resolve();
    },

    threadDeleting(_tx: Executor, userId: string, threadPk: number) {
      const index = userIndex(userId);
      if (exists(index)) {
        const { text, params } = dropThread(index, threadPk);
        prepared(text).run(...params);
      }
      return Promise.resolve();
    },

    async search(scope, words, mode) {
      const tags = scope.tags ?? [];
      const index = await forReading(scope.userId);
      if (!index || (words.length === 0 && tags.length === 0)) return [];
      let threadPks: number[] | undefined;
      if (scope.threadId !== undefined) {
        // The thread's pks (a name may be in several projects), once, for a filter inside the query.
        threadPks = (
          prepared(
            `SELECT pk FROM threads WHERE user_id = ? AND thread_id = ?${scope.projectId ? ' AND project_id = ?' : ''}`,
          ).all(scope.userId, scope.threadId, ...(scope.projectId ? [scope.projectId] : [])) as {
            pk: number;
          }[]
        ).map((row) => row.pk);
        if (threadPks.length === 0) return [];
      }
      const match = words.map(ftsTerm).join(mode === 'all' ? ' AND ' : ' OR ');
      const within = tags.length > 0 ? taggedIn({ kind: 'server', userId: scope.userId }, tags) : undefined;
      const filter = { projectId: scope.projectId, parentPks: threadPks, within };
      const hits =
        words.length === 0 && within
          ? taggedCte(within, filter, scope.limit)
          : hitsCte(index, match, filter, scope.limit, { snippet: true });
      return all<SearchHit>({
        text: `WITH ${hits.text}
          SELECT hits.rank, hits.snippet, e.entry_id AS "entryId", e.sequence_id AS "sequenceId", e.author,
                 e.timestamp, t.project_id AS "projectId", t.thread_id AS "threadId"
          FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk
          ORDER BY hits.rank`,
        params: hits.params,
      });
    },

    async candidates(userId, terms, projectId, limit = ORACLE_CANDIDATES, tag) {
      const index = await forReading(userId);
      if (!index || terms.length === 0) return [];
      const within = tag === undefined ? undefined : taggedIn({ kind: 'server', userId }, [tag]);
      const hits = hitsCte(index, matchFor(terms), { projectId, within }, limit, { snippet: false });
      return all<CandidateRow>({
        text: `WITH ${hits.text}
          SELECT hits.rank, e.pk AS pk, e.content, e.entry_id AS "entryId", e.sequence_id AS seq, e.author,
                 e.timestamp, t.project_id AS project, t.thread_id AS thread, e.thread_pk AS "threadPk"
          FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk
          ORDER BY hits.rank`,
        params: hits.params,
      });
    },

    entriesAt(userId, places) {
      if (places.length === 0) return Promise.resolve([]);
      // The places first (CROSS JOIN keeps that order), each found through entries_thread_sequence.
      return Promise.resolve(
        prepared(
          `SELECT e.thread_pk AS "threadPk", e.sequence_id AS seq, e.content
           FROM json_each(?) p CROSS JOIN entries e
           WHERE e.thread_pk = json_extract(p.value, '$[0]') AND e.sequence_id = json_extract(p.value, '$[1]')
             AND e.user_id = ?`,
        ).all(JSON.stringify(places.map((p) => [p.threadPk, p.seq])), userId) as Neighbour[],
      );
    },

    async documentCounts(userId, terms: OracleTerm[]) {
      const total =
        (
          prepared(
            'SELECT CAST(coalesce(sum(entry_count), 0) AS INTEGER) AS n FROM threads WHERE user_id = ?',
          ).get(userId) as { n: number } | undefined
        )?.n ?? 0;
      const index = total > 0 ? await forReading(userId) : undefined;
      if (!index) return { counts: terms.map(() => 0), total };
      const counts = terms.map(termCounter(index, prepared));
      return { counts, total };
    },
  };

  /**
   * One user's index of chunks (notes', code's): made with the chunks the user has already (in the
   * caller's transaction) when first written to, or when first read if the user has chunks but no
   * index; filled, emptied and counted with the shared fts5 statements.
   */
  const chunkIndex = (spec: {
    indexOf: (userId: string) => FtsIndex;
    /** The chunks' table (its user_id column: whether the user has any). */
    rows: string;
    /** The chunks' files' table, and the chunks' column naming their file. */
    files: string;
    fileKey: string;
    /** The index's columns, then the SELECT of the user's rows in that order (`?`: the user). */
    columns: string;
    select: string;
  }) => {
    const build = (userId: string, index: FtsIndex) => {
      for (const statement of createIndex(index)) sqlite.exec(statement);
      sqlite.prepare(`INSERT INTO ${index.table} (${spec.columns}) ${spec.select}`).run(userId);
      exists(index);
      indexed!.add(index.table);
      statements.clear();
    };
    const forReading = async (userId: string): Promise<FtsIndex | undefined> => {
      const index = spec.indexOf(userId);
      if (exists(index)) return index;
      if (!sqlite.prepare(`SELECT 1 FROM ${spec.rows} WHERE user_id = ? LIMIT 1`).get(userId))
        return undefined;
      await transaction(() => {
        if (!exists(index)) build(userId, index);
        return Promise.resolve();
      });
      return index;
    };
    return {
      forReading,
      insert(userId: string, rows: IndexedRow[]) {
        if (rows.length === 0) return Promise.resolve();
        const index = spec.indexOf(userId);
        // The writing transaction holds the write lock: the index is made (and filled) inside it.
        if (!exists(index)) build(userId, index);
        else {
          for (let i = 0; i < rows.length; i += 100) {
            const { text, params } = insertRows(index, rows.slice(i, i + 100));
            prepared(text).run(...params);
          }
        }
        return Promise.resolve();
      },
      drop(userId: string, pks: number[]) {
        const index = spec.indexOf(userId);
        if (pks.length > 0 && exists(index)) {
          const { text, params } = deleteRows(index, pks);
          prepared(text).run(...params);
        }
        return Promise.resolve();
      },
      /**
       * The user's best `limit` chunks (of one project) for an FTS5 match, best first, read by
       * `select` as `hits` (rank, and snippet with `snippet`), `c` (the chunk) and `f` (its file).
       */
      async ranked<T>(
        scope: { userId: string; projectId?: string | undefined; limit: number },
        match: string,
        snippet: boolean,
        select: string,
      ): Promise<T[]> {
        const index = await forReading(scope.userId);
        if (!index) return [];
        const hits = hitsCte(index, match, { projectId: scope.projectId }, scope.limit, { snippet });
        return all<T>({
          text: `WITH ${hits.text}
            SELECT ${select}
            FROM hits JOIN ${spec.rows} c ON c.pk = hits.pk JOIN ${spec.files} f ON f.pk = c.${spec.fileKey}
            WHERE c.user_id = ? ORDER BY hits.rank`,
          params: [...hits.params, scope.userId],
        });
      },
      /** The chunks at some places (a file's pk, a chunk's number), as `alias`, seq and content. */
      chunksAt<T>(userId: string, alias: string, places: [number, number][]): Promise<T[]> {
        if (places.length === 0) return Promise.resolve([]);
        return Promise.resolve(
          prepared(
            `SELECT c.${spec.fileKey} AS "${alias}", c.seq, c.content
             FROM json_each(?) p CROSS JOIN ${spec.rows} c
             WHERE c.${spec.fileKey} = json_extract(p.value, '$[0]') AND c.seq = json_extract(p.value, '$[1]')
               AND c.user_id = ?`,
          ).all(JSON.stringify(places), userId) as T[],
        );
      },
      async documentCounts(userId: string, terms: OracleTerm[]) {
        const index = await forReading(userId);
        if (!index) return { counts: terms.map(() => 0), total: 0 };
        const total = (
          prepared(`SELECT count(*) AS n FROM ${spec.rows} WHERE user_id = ?`).get(userId) as { n: number }
        ).n;
        const counts = terms.map(termCounter(index, prepared));
        return { counts, total };
      },
    };
  };

  const notes = chunkIndex({
    indexOf: userChunkIndex,
    rows: 'note_chunks',
    files: 'notes',
    fileKey: 'note_pk',
    columns: 'rowid, title, heading, content, project_id, note_pk',
    select: `SELECT c.pk, c.title, c.heading_text, c.content, n.project_id, c.note_pk
             FROM note_chunks c JOIN notes n ON n.pk = c.note_pk WHERE c.user_id = ?`,
  });

  const noteSearch: NoteSearch = {
    indexChunks: (_tx: Executor, userId: string, chunks: IndexedChunk[]) =>
      notes.insert(
        userId,
        chunks.map((c) => ({
          rowid: c.pk,
          searched: [c.title, c.headingText, c.content],
          projectId: c.projectId,
          parentPk: c.notePk,
        })),
      ),

    dropChunks: (_tx: Executor, userId: string, chunkPks: number[]) => notes.drop(userId, chunkPks),

    search(scope, words, mode) {
      if (words.length === 0) return Promise.resolve([]);
      const match = words.map(ftsTerm).join(mode === 'all' ? ' AND ' : ' OR ');
      return notes.ranked<NoteHit>(
        scope,
        match,
        true,
        `hits.rank, hits.snippet, f.project_id AS "projectId", f.path, f.title, c.heading,
         c.start_line AS "startLine", c.end_line AS "endLine"`,
      );
    },

    candidates(userId, terms, projectId, limit) {
      if (terms.length === 0) return Promise.resolve([]);
      return notes.ranked<NoteCandidate>(
        { userId, projectId, limit },
        matchFor(terms),
        false,
        `'note' AS kind, hits.rank, c.content, f.project_id AS project, f.path, c.title, c.heading,
         c.heading_text AS "headingText", c.start_line AS "startLine", c.end_line AS "endLine",
         c.note_pk AS "notePk", c.seq, f.updated_at AS timestamp`,
      );
    },

    chunksAt: (userId, places) =>
      notes.chunksAt<ChunkNeighbour>(
        userId,
        'notePk',
        places.map((p) => [p.notePk, p.seq]),
      ),

    documentCounts: (userId, terms) => notes.documentCounts(userId, terms),
  };

  const code = chunkIndex({
    indexOf: userCodeIndex,
    rows: 'code_chunks',
    files: 'code_files',
    fileKey: 'file_pk',
    columns: 'rowid, symbol, signature, path, content, words, project_id, file_pk',
    select: `SELECT c.pk, c.name_text, c.signature_text, c.path_text, c.content, c.words, f.project_id, c.file_pk
             FROM code_chunks c JOIN code_files f ON f.pk = c.file_pk WHERE c.user_id = ?`,
  });

  const codeSearch: CodeSearch = {
    indexChunks: (_tx: Executor, userId: string, chunks: IndexedCodeChunk[]) =>
      code.insert(
        userId,
        chunks.map((c) => ({
          rowid: c.pk,
          searched: c.searched,
          projectId: c.projectId,
          parentPk: c.filePk,
        })),
      ),

    dropChunks: (_tx: Executor, userId: string, chunkPks: number[]) => code.drop(userId, chunkPks),

    search(scope, words, mode) {
      if (words.length === 0) return Promise.resolve([]);
      const match = words.map(ftsTerm).join(mode === 'all' ? ' AND ' : ' OR ');
      return code.ranked<CodeHit>(
        scope,
        match,
        true,
        `hits.rank, hits.snippet, f.project_id AS "projectId", f.path, f.language, c.kind, c.symbol,
         c.container, c.signature, c.start_line AS "startLine", c.end_line AS "endLine"`,
      );
    },

    candidates(userId, terms, projectId, limit) {
      if (terms.length === 0) return Promise.resolve([]);
      return code.ranked<CodeCandidate>(
        { userId, projectId, limit },
        matchFor(terms),
        false,
        CODE_CANDIDATE_COLUMNS,
      );
    },

    chunksAt: (userId, places) =>
      code.chunksAt<CodeNeighbour>(
        userId,
        'filePk',
        places.map((p) => [p.filePk, p.seq]),
      ),

    documentCounts: (userId, terms) => code.documentCounts(userId, terms),
  };

  /** After a rollback: an index made in it is gone again, so the schema is read anew. */
  const rolledBack = () => {
    indexed = undefined;
    statements.clear();
  };
  return { entrySearch, noteSearch, codeSearch, rolledBack };
}
