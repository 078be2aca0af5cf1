// The SQLite FTS5 side of search, written once. The local vault and the server's SQLite engine
// keep their entries in indexes of this one shape and query them with these statements, so that
// `vlt thread seek`, `vlt oracle --local` and the server rank alike by construction. Plain SQL text
// and parameters: each side runs them on its own connection.
import { indexRange, type OracleTerm } from './oracle.js';

export interface Statement {
  text: string;
  params: unknown[];
}

/** English stemming (FTS5's porter), Unicode words, accents folded. */
export const FTS_TOKENIZE = 'porter unicode61 remove_diacritics 2';
export const HIGHLIGHT = { open: '**', close: '**' };
/** Tokens around the match in a search snippet. */
export const SNIPPET_TOKENS = 16;
/** How many candidates the Oracle takes from the index before re-ranking them. */
export const ORACLE_CANDIDATES = 40;
/**
 * How many of a query's matches are ranked at most, when it is not narrowed to a project, a
 * parent or tags: the newest (the highest rowids: the latest written). A query that matches more
 * (a common word in a million entries) ranks only these, so no query ranks more than a vault of
 * 10,000 entries could hold, whatever the vault's size; one that matches fewer ranks them all.
 * Finding the cut walks the matches' rowids only (about 1 ms), never their ranks. A narrowed
 * query ranks all its matches: its filters are columns FTS5 reads row by row (about 5 µs a row),
 * so a cut among the rows that pass them would cost more than the ranking it saves, and a cut
 * among all the matches could leave a project's older matches out altogether.
 */
export const RANKED_MATCHES = 10_000;

/**
 * What an index holds: the searched columns (in order; bm25 weighs them by `weights`), then the
 * filter columns (unindexed), the first always `project_id`, the second the parent's pk (a
 * thread's for entries, a note's for chunks), so filters apply inside the FTS query (never as
 * `rowid IN (subquery)`). Snippets come from the `content` column.
 */
export interface IndexShape {
  searched: readonly string[];
  weights: readonly number[];
  parent: string;
}

/** Entries: their content; rowid is the entry's pk. */
export const ENTRY_SHAPE: IndexShape = { searched: ['content'], weights: [1], parent: 'thread_pk' };
/**
 * Note chunks: the note's title (and aliases), the chunk's headings, its text; rowid is the
 * chunk's pk. A word in a title or a heading weighs more than one in the text.
 */
export const CHUNK_SHAPE: IndexShape = {
  searched: ['title', 'heading', 'content'],
  weights: [4, 2, 1],
  parent: 'note_pk',
};

/**
 * Code chunks: the symbol with its container, the signature, the file's path, the text (code and
 * comments), and the words of its identifiers (search-query.ts identifierWords); rowid is the
 * chunk's pk. A name outweighs a signature, which outweighs a body.
 */
export const CODE_SHAPE: IndexShape = {
  searched: ['symbol', 'signature', 'path', 'content', 'words'],
  weights: [6, 3, 2, 1, 1],
  parent: 'file_pk',
};

/** An index of one shape: its table and its fts5vocab table (document counts per term). */
export interface FtsIndex {
  table: string;
  vocab: string;
  shape: IndexShape;
}
/** An index of entries (the vault's, a server user's). */
export type EntryIndex = FtsIndex;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function checked(index: FtsIndex): FtsIndex {
  const names = [index.table, index.vocab, index.shape.parent, ...index.shape.searched];
  if (!names.every((name) => IDENTIFIER.test(name)) || index.shape.weights.some((w) => !(w > 0))) {
    throw new Error(`not an index: ${JSON.stringify(index)}`);
  }
  return index;
}

const columnsOf = (shape: IndexShape) => [...shape.searched, 'project_id', shape.parent];

/** The statements that make an index, its ranking and its vocabulary (each a no-op when it exists). */
export function createIndex(index: FtsIndex): string[] {
  const { table, vocab, shape } = checked(index);
  const columns = [...shape.searched, 'project_id UNINDEXED', `${shape.parent} UNINDEXED`];
  const statements = [
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(${columns.join(', ')}, tokenize = '${FTS_TOKENIZE}')`,
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${vocab} USING fts5vocab('${table}', 'row')`,
  ];
  // ORDER BY rank is bm25 with the shape's weights (FTS5 keeps the setting in the index).
  if (shape.weights.some((w) => w !== 1)) {
    statements.push(
      `INSERT INTO ${table} (${table}, rank) VALUES ('rank', 'bm25(${[...shape.weights, 0, 0].join(', ')})')`,
    );
  }
  return statements;
}

export interface IndexedEntry {
  pk: number;
  content: string;
  projectId: string;
  threadPk: number;
}

/** A row of an index: its rowid, its searched columns' text in the shape's order, its filters. */
export interface IndexedRow {
  rowid: number;
  searched: string[];
  projectId: string;
  parentPk: number;
}

/** Adds rows to the index, in one statement. */
export function insertRows(index: FtsIndex, rows: IndexedRow[]): Statement {
  const { table, shape } = checked(index);
  const row = `(${Array<string>(columnsOf(shape).length + 1)
    .fill('?')
    .join(', ')})`;
  const params: unknown[] = [];
  for (const r of rows) params.push(r.rowid, ...r.searched, r.projectId, r.parentPk);
  return {
    text: `INSERT INTO ${table} (rowid, ${columnsOf(shape).join(', ')}) VALUES ${Array<string>(rows.length)
      .fill(row)
      .join(', ')}`,
    params,
  };
}

/** Adds entries to an entry index, in one statement. */
export const insertEntries = (index: EntryIndex, entries: IndexedEntry[]): Statement =>
  insertRows(
    index,
    entries.map((e) => ({
      rowid: e.pk,
      searched: [e.content],
      projectId: e.projectId,
      parentPk: e.threadPk,
    })),
  );

/** Removes rows from the index by rowid. */
export function deleteRows(index: FtsIndex, rowids: number[]): Statement {
  return {
    text: `DELETE FROM ${checked(index).table} WHERE rowid IN (SELECT value FROM json_each(?))`,
    params: [JSON.stringify(rowids)],
  };
}

export interface HitFilter {
  projectId?: string | undefined;
  /** The parents' pks (threads: a name may be in several projects, all of them). */
  parentPks?: number[] | undefined;
  /** Only these rows: a subquery of rowids (entries with tags: taggedIn). */
  within?: Statement | undefined;
}

/** Where a side keeps its entries' tags: the vault's tables, or one server user's. */
export type TagStore = { kind: 'vault' } | { kind: 'server'; userId: string };

/** The pks of the entries that carry every one of `tags` (the `tag:` of a search). */
export function taggedIn(store: TagStore, tags: string[]): Statement {
  const names = JSON.stringify(tags);
  return store.kind === 'vault'
    ? {
        text: `SELECT et.entry_pk FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id
               WHERE tg.name IN (SELECT value FROM json_each(?)) GROUP BY et.entry_pk HAVING count(*) = ?`,
        params: [names, tags.length],
      }
    : {
        text: `SELECT entry_pk FROM entry_marks WHERE user_id = ? AND tag IN (SELECT value FROM json_each(?))
               GROUP BY entry_pk HAVING count(*) = ?`,
        params: [store.userId, names, tags.length],
      };
}

/** The characters of an entry a search without words shows as its snippet. */
export const TAGGED_SNIPPET_CHARS = 160;

/**
 * `hits(pk, rank, snippet)` for a search of tags only (no words): the newest `limit` entries with
 * them, rank 0, the snippet the content's start. On the vault and the server's SQLite alike
 * (entries and threads have the same columns there).
 */
export function taggedCte(within: Statement, filter: HitFilter, limit: number): Statement {
  const parts = ['e.pk IN (' + within.text + ')'];
  const params: unknown[] = [...within.params];
  if (filter.projectId !== undefined) {
    parts.push('t.project_id = ?');
    params.push(filter.projectId);
  }
  if (filter.parentPks !== undefined) {
    parts.push('e.thread_pk IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.parentPks));
  }
  return {
    text: `hits AS (
      SELECT e.pk, 0 AS rank,
             CASE WHEN length(e.content) > ${TAGGED_SNIPPET_CHARS} THEN substr(e.content, 1, ${TAGGED_SNIPPET_CHARS}) || '…'
                  ELSE e.content END AS snippet
      FROM entries e JOIN threads t ON t.pk = e.thread_pk
      WHERE ${parts.join(' AND ')} ORDER BY e.pk DESC LIMIT ?)`,
    params: [...params, limit],
  };
}

function filterSql(index: FtsIndex, filter: HitFilter): Statement {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.projectId !== undefined) {
    parts.push('project_id = ?');
    params.push(filter.projectId);
  }
  if (filter.parentPks !== undefined) {
    parts.push(`${index.shape.parent} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.parentPks));
  }
  if (filter.within !== undefined) {
    parts.push(`rowid IN (${filter.within.text})`);
    params.push(...filter.within.params);
  }
  return { text: parts.map((p) => ` AND ${p}`).join(''), params };
}

/**
 * `hits(pk, rank, snippet)`: the best `limit` entries for an FTS5 MATCH, best first (bm25's rank:
 * lower is better), among the newest RANKED_MATCHES matches when `filter` narrows nothing (FTS5
 * takes the rowid bound into its scan). FTS5 consumes ORDER BY rank itself, so snippet() runs only
 * for the rows kept.
 */
export function hitsCte(
  index: FtsIndex,
  match: string,
  filter: HitFilter,
  limit: number,
  options: { snippet: boolean },
): Statement {
  const { table, shape } = checked(index);
  const where = filterSql(index, filter);
  const snippet = options.snippet
    ? `snippet(${table}, ${Math.max(0, shape.searched.indexOf('content'))}, '${HIGHLIGHT.open}', '${HIGHLIGHT.close}', '…', ${SNIPPET_TOKENS})`
    : 'NULL';
  // Unscoped: only the matches from the RANKED_MATCHES-th newest on.
  const cut =
    where.text === ''
      ? ` AND rowid >= coalesce((SELECT rowid FROM ${table} WHERE ${table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?), 0)`
      : '';
  return {
    text: `hits AS (
      SELECT rowid AS pk, rank, ${snippet} AS snippet FROM ${table}
      WHERE ${table} MATCH ?${where.text}${cut} ORDER BY rank LIMIT ?)`,
    params: [match, ...where.params, ...(cut ? [match, RANKED_MATCHES - 1] : []), limit],
  };
}

/** `hits(pk, highlight)`: every match in one thread, the whole content with its words marked. */
export function highlightCte(
  index: EntryIndex,
  match: string,
  threadPk: number,
  within?: Statement,
): Statement {
  const { table } = checked(index);
  return {
    text: `hits AS (
      SELECT rowid AS pk, highlight(${table}, 0, '${HIGHLIGHT.open}', '${HIGHLIGHT.close}') AS highlight
      FROM ${table} WHERE ${table} MATCH ? AND thread_pk = ?${within ? ` AND rowid IN (${within.text})` : ''})`,
    params: [match, threadPk, ...(within?.params ?? [])],
  };
}

/** A search score from bm25's rank (higher is better), as both sides print it. */
export const scoreOf = (rank: number): number => Number((-rank).toPrecision(6));

/**
 * How many rows of `index` hold a term (a prefix: every indexed term in its range), from its
 * fts5vocab table: the Oracle's statistics and a search's any-word fallback, in the vault and on
 * the server's SQLite. `prepare` gives a statement for a text (cached or not).
 */
export function termCounter(
  index: FtsIndex,
  prepare: (text: string) => { get(...params: unknown[]): unknown },
): (term: OracleTerm) => number {
  const { vocab } = checked(index);
  const exact = `SELECT doc AS n FROM ${vocab} WHERE term = ?`;
  const range = `SELECT coalesce(sum(doc), 0) AS n FROM ${vocab} WHERE term >= ? AND term < ?`;
  return (term) => {
    const { from, to } = indexRange(term);
    const row = (to === undefined ? prepare(exact).get(from) : prepare(range).get(from, to)) as
      { n: number } | undefined;
    return row?.n ?? 0;
  };
}

/** The thread moved to another project: its entries' filter column follows. */
export function moveThread(index: EntryIndex, threadPk: number, projectId: string): Statement {
  return {
    text: `UPDATE ${checked(index).table} SET project_id = ? WHERE rowid IN (SELECT pk FROM entries WHERE thread_pk = ?)`,
    params: [projectId, threadPk],
  };
}

/** The thread's entries leave the index (before the entries themselves go). */
export function dropThread(index: EntryIndex, threadPk: number): Statement {
  return {
    text: `DELETE FROM ${checked(index).table} WHERE rowid IN (SELECT pk FROM entries WHERE thread_pk = ?)`,
    params: [threadPk],
  };
}
