// The server's database: embedded SQLite (the default) or PostgreSQL, behind one small async
// interface. Services write their SQL once with drizzle's `sql` template (the same text runs on both
// engines: standard SQL, double-quoted aliases, `ON CONFLICT`, `RETURNING`); what the engines do
// differently (full-text search, locks) are methods of the engine object picked at open, so no
// service asks which engine it runs on. Migrations apply at open.
import type { SQL } from 'drizzle-orm';
import type { IndexedEntry } from '../../shared/fts5.js';
import type { OracleTerm } from '../../shared/oracle.js';
import type {
  CandidateRow,
  ChunkNeighbour,
  CodeCandidate,
  CodeNeighbour,
  Neighbour,
  NoteCandidate,
} from '../../shared/retrieval.js';
import type { SearchWord } from '../../shared/search-query.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Dialect = 'sqlite' | 'postgres';

/** Runs queries: on the database, or inside one transaction. */
export interface Executor {
  all<T>(query: SQL): Promise<T[]>;
  get<T>(query: SQL): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(query: SQL): Promise<number>;
}

/** A search hit of `threads.search`, before it is shaped for the API. */
export interface SearchHit {
  rank: number;
  snippet: string;
  entryId: string;
  sequenceId: number;
  author: string;
  timestamp: string;
  projectId: string;
  threadId: string;
}

export interface SearchScope {
  userId: string;
  projectId?: string | undefined;
  threadId?: string | undefined;
  /** Only entries with every one of these tags (`tag:decision`). */
  tags?: string[] | undefined;
  limit: number;
}

/**
 * Full-text search over one user's entries, as each engine does it. Every query starts from the
 * user's own index (SQLite: a table per user; PostgreSQL: lexemes tagged with the user), so it
 * costs what the user's entries cost and its statistics are the user's own.
 */
export interface EntrySearch {
  /** Inside a push's transaction: the entries just stored. */
  indexEntries(tx: Executor, userId: string, entries: IndexedEntry[]): Promise<void>;
  /** Inside an edit's transaction: the entry's text is now `entry.content` ('' for a deletion). */
  entryChanged(tx: Executor, userId: string, entry: IndexedEntry): Promise<void>;
  /** Inside the move's transaction: the thread is in another project now. */
  threadMoved(tx: Executor, userId: string, threadPk: number, projectId: string): Promise<void>;
  /** Inside the delete's transaction, before the entries go. */
  threadDeleting(tx: Executor, userId: string, threadPk: number): Promise<void>;
  /**
   * The best `scope.limit` entries holding all the words (`all`) or any of them, with snippets;
   * with tags and no words, the newest entries with the tags (rank 0, the content's start).
   */
  search(scope: SearchScope, words: SearchWord[], mode: 'all' | 'any'): Promise<SearchHit[]>;
  /** The Oracle's candidates: entries holding any of the terms (and `tag`, if given), best first. */
  candidates(
    userId: string,
    terms: OracleTerm[],
    projectId: string | undefined,
    limit: number,
    tag?: string,
  ): Promise<CandidateRow[]>;
  /** The user's entries at these places (thread pk, sequence): a candidate's neighbours, through the (thread, sequence) index. */
  entriesAt(userId: string, places: { threadPk: number; seq: number }[]): Promise<Neighbour[]>;
  /** How many of the user's entries hold each term (`counts[i]` for `terms[i]`), and how many they have. */
  documentCounts(userId: string, terms: OracleTerm[]): Promise<{ counts: number[]; total: number }>;
}

/** A chunk as the note index holds it. */
export interface IndexedChunk {
  pk: number;
  notePk: number;
  projectId: string;
  title: string;
  headingText: string;
  content: string;
}

/** A search hit of `notes.search`, before it is shaped for the API. */
export interface NoteHit {
  rank: number;
  snippet: string;
  projectId: string;
  path: string;
  title: string;
  heading: string;
  startLine: number;
  endLine: number;
}

/**
 * Full-text search over one user's note chunks, as each engine does it, on the same terms as
 * EntrySearch: every query starts from the user's own index and its statistics are the user's.
 */
export interface NoteSearch {
  /** Inside the transaction that stored them: the chunks just written. */
  indexChunks(tx: Executor, userId: string, chunks: IndexedChunk[]): Promise<void>;
  /** Inside the transaction that deletes them, before they go. */
  dropChunks(tx: Executor, userId: string, chunkPks: number[]): Promise<void>;
  search(
    scope: { userId: string; projectId?: string | undefined; limit: number },
    words: SearchWord[],
    mode: 'all' | 'any',
  ): Promise<NoteHit[]>;
  /** The Oracle's candidates: chunks holding any of the terms, best first. */
  candidates(
    userId: string,
    terms: OracleTerm[],
    projectId: string | undefined,
    limit: number,
  ): Promise<NoteCandidate[]>;
  /** The user's chunks at these places (note pk, seq): a candidate's neighbours. */
  chunksAt(userId: string, places: { notePk: number; seq: number }[]): Promise<ChunkNeighbour[]>;
  /** How many of the user's chunks hold each term, and how many they have. */
  documentCounts(userId: string, terms: OracleTerm[]): Promise<{ counts: number[]; total: number }>;
}

/** A code chunk as the code index holds it: its searched columns in CODE_SHAPE's order (shared/code.ts codeIndexColumns). */
export interface IndexedCodeChunk {
  pk: number;
  filePk: number;
  projectId: string;
  searched: string[];
}

/** A search hit of `code.search`, before it is shaped for the API. */
export interface CodeHit {
  rank: number;
  snippet: string;
  projectId: string;
  path: string;
  language: string;
  kind: string;
  symbol: string;
  container: string;
  signature: string;
  startLine: number;
  endLine: number;
}

/** Full-text search over one user's code chunks, on the same terms as NoteSearch. */
export interface CodeSearch {
  /** Inside the transaction that stored them: the chunks just written. */
  indexChunks(tx: Executor, userId: string, chunks: IndexedCodeChunk[]): Promise<void>;
  /** Inside the transaction that deletes them, before they go. */
  dropChunks(tx: Executor, userId: string, chunkPks: number[]): Promise<void>;
  search(
    scope: { userId: string; projectId?: string | undefined; limit: number },
    words: SearchWord[],
    mode: 'all' | 'any',
  ): Promise<CodeHit[]>;
  /** The Oracle's candidates: chunks holding any of the terms, best first. */
  candidates(
    userId: string,
    terms: OracleTerm[],
    projectId: string | undefined,
    limit: number,
  ): Promise<CodeCandidate[]>;
  /** The user's chunks at these places (file pk, seq): a candidate's neighbours. */
  chunksAt(userId: string, places: { filePk: number; seq: number }[]): Promise<CodeNeighbour[]>;
  /** How many of the user's chunks hold each term, and how many they have. */
  documentCounts(userId: string, terms: OracleTerm[]): Promise<{ counts: number[]; total: number }>;
}

/** The columns `ServerDb.insertEntries` writes, in the order of each row's values on both engines. */
export const INSERTED_ENTRY_COLUMNS =
  'user_id, thread_pk, entry_id, sequence_id, content, author, timestamp, received_at, deleted';

/** An entry of a push, as `ServerDb.insertEntries` stores it. */
export interface NewEntry {
  entryId: string;
  sequenceId: number;
  content: string;
  author: string;
  /** ISO 8601. */
  timestamp: string;
  deleted: boolean;
}

export interface ServerDb extends Executor {
  dialect: Dialect;
  /** Where it is, for messages: a file, or a URL without its password. */
  describe: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. On
   * SQLite it is `BEGIN IMMEDIATE` (one writer at a time); on PostgreSQL, READ COMMITTED, with
   * constraints and row locks doing the rest.
   */
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /**
   * Inside `transaction`: waits until no other transaction holds `name`, then holds it until
   * commit, on every instance. On SQLite there is one writer at a time already (nothing to do); on
   * PostgreSQL it is a transaction-level advisory lock.
   */
  lock(tx: Executor, name: string): Promise<void>;
  /**
   * Inside a push's transaction: stores entries of one thread, received at `receivedAt`, in one
   * statement, each unless a unique constraint refuses it (its id, or its place in the thread, is
   * taken); answers the rows stored, with their pks. A push's hottest statement, so the engine
   * owns it (SQLite: prepared once per batch size, not built again for every batch).
   */
  insertEntries(
    tx: Executor,
    userId: string,
    threadPk: number,
    receivedAt: string,
    entries: NewEntry[],
  ): Promise<{ entryId: string; pk: number }[]>;
  search: EntrySearch;
  noteSearch: NoteSearch;
  codeSearch: CodeSearch;
  close(): Promise<void>;
}

/** A migrations folder (drizzle/server or drizzle/server-pg), found from source and from the bundle. */
export function migrationsFolder(name: 'server' | 'server-pg'): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'drizzle', name);
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`drizzle/${name} migrations not found beside the vlt-server installation`);
    dir = parent;
  }
}

export const isPostgresUrl = (target: string) => /^(postgres|postgresql|pglite):/i.test(target);

/**
 * Opens the database at `target`: a SQLite file path (or ':memory:'), a `postgres://` URL, or
 * `pglite:memory` / `pglite:<directory>` for PostgreSQL in this process (tests). A second open of a
 * migrated database changes nothing; instances starting together take turns to migrate.
 */
export async function openServerDb(target: string, options: { poolSize?: number } = {}): Promise<ServerDb> {
  if (isPostgresUrl(target)) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(target, options.poolSize ?? 10);
  }
  const { openSqlite } = await import('./sqlite.js');
  return openSqlite(target);
}
