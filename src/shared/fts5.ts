// The SQLite FTS5 side of search, written once. The local vault and the server's SQLite engine
// keep their entries in indexes of this one shape and query them with these statements, so that
// `vlt thread seek`, `vlt oracle --local` and the server rank alike by construction. Plain SQL text
// and parameters: each side runs them on its own connection.

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
 * An index of entries: rowid is the entry's pk; `content` is searched; `project_id` and
 * `thread_pk` are filter columns, so filters apply inside the FTS query (never as
 * `rowid IN (subquery)`). `vocab` is its fts5vocab table (document counts per term).
 */
export interface EntryIndex {
  table: string;
  vocab: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function checked(index: EntryIndex): EntryIndex {
  if (!IDENTIFIER.test(index.table) || !IDENTIFIER.test(index.vocab)) {
    throw new Error(`not an index name: ${index.table} / ${index.vocab}`);
  }
  return index;
}

/** The statements that make an index and its vocabulary (each a no-op when it exists). */
export function createIndex(index: EntryIndex): string[] {
  const { table, vocab } = checked(index);
  return [
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(content, project_id UNINDEXED, thread_pk UNINDEXED, tokenize = '${FTS_TOKENIZE}')`,
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${vocab} USING fts5vocab('${table}', 'row')`,
  ];
}

export interface IndexedEntry {
  pk: number;
  content: string;
  projectId: string;
  threadPk: number;
}

/** Adds entries to the index, in one statement. */
export function insertEntries(index: EntryIndex, entries: IndexedEntry[]): Statement {
  return {
    text: `INSERT INTO ${checked(index).table} (rowid, content, project_id, thread_pk) VALUES ${entries
      .map(() => '(?, ?, ?, ?)')
      .join(', ')}`,
    params: entries.flatMap((e) => [e.pk, e.content, e.projectId, e.threadPk]),
  };
}

export interface HitFilter {
  projectId?: string | undefined;
  /** The thread's pk (a name may be in several projects: all of them). */
  threadPks?: number[] | undefined;
}

function filterSql(filter: HitFilter): Statement {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.projectId !== undefined) {
    parts.push('project_id = ?');
    params.push(filter.projectId);
  }
  if (filter.threadPks !== undefined) {
    parts.push('thread_pk IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.threadPks));
  }
  return { text: parts.map((p) => ` AND ${p}`).join(''), params };
}

/**
 * `hits(pk, rank, snippet)`: the best `limit` entries for an FTS5 MATCH, best first (bm25's rank:
 * lower is better). FTS5 consumes ORDER BY rank itself, so snippet() runs only for the rows kept.
 */
export function hitsCte(
  index: EntryIndex,
  match: string,
  filter: HitFilter,
  limit: number,
  options: { snippet: boolean },
): Statement {
  const { table } = checked(index);
  const where = filterSql(filter);
  const snippet = options.snippet
    ? `snippet(${table}, 0, '${HIGHLIGHT.open}', '${HIGHLIGHT.close}', '…', ${SNIPPET_TOKENS})`
    : 'NULL';
  return {
    text: `hits AS (
      SELECT rowid AS pk, rank, ${snippet} AS snippet FROM ${table}
      WHERE ${table} MATCH ?${where.text} ORDER BY rank LIMIT ?)`,
    params: [match, ...where.params, limit],
  };
}

/** `hits(pk, highlight)`: every match in one thread, the whole content with its words marked. */
export function highlightCte(index: EntryIndex, match: string, threadPk: number): Statement {
  const { table } = checked(index);
  return {
    text: `hits AS (
      SELECT rowid AS pk, highlight(${table}, 0, '${HIGHLIGHT.open}', '${HIGHLIGHT.close}') AS highlight
      FROM ${table} WHERE ${table} MATCH ? AND thread_pk = ?)`,
    params: [match, threadPk],
  };
}

/** A search score from bm25's rank (higher is better), as both sides print it. */
export const scoreOf = (rank: number): number => Number((-rank).toPrecision(6));

/** Document counts of one indexed term, and of every term in a range (a prefix). */
export function documentCounts(index: EntryIndex): { exact: string; range: string } {
  const { vocab } = checked(index);
  return {
    exact: `SELECT doc AS n FROM ${vocab} WHERE term = ?`,
    range: `SELECT coalesce(sum(doc), 0) AS n FROM ${vocab} WHERE term >= ? AND term < ?`,
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
