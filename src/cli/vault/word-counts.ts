// How many rows of one of the vault's FTS5 indexes (entries, note chunks, code chunks) hold a term
// (shared/fts5.ts termCounter): the Oracle's statistics and a search's any-word fallback (anyFallbacks).
import { termCounter as counter, type FtsIndex } from '../../shared/fts5.js';
import type { OracleTerm } from '../../shared/oracle.js';
import { countedWord, type WordCounts } from '../../shared/search-query.js';
import type { Sqlite } from './open.js';

/** A term's number of rows in `index`. */
export const termCounter = (sqlite: Sqlite, index: FtsIndex): ((term: OracleTerm) => number) =>
  counter(index, (text) => sqlite.prepare(text));

/** For anyFallbacks: each word's number of rows in `index`, and `total()`, the rows it has. */
export function wordCounts(sqlite: Sqlite, index: FtsIndex, total: () => number): WordCounts {
  const count = termCounter(sqlite, index);
  return (words) => ({ counts: words.map((w) => count(countedWord(w))), total: total() });
}

/** How many chunks an index of chunks holds: each of `table`'s rows is one of the index's. */
export const chunkCount = (sqlite: Sqlite, table: 'note_chunks' | 'code_chunks'): number =>
  (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** wordCounts over an index of chunks. */
export const chunkWordCounts = (sqlite: Sqlite, index: FtsIndex, table: 'note_chunks' | 'code_chunks') =>
  wordCounts(sqlite, index, () => chunkCount(sqlite, table));
