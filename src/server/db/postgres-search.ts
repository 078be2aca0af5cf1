// Full-text search on PostgreSQL: entries.content_tsv holds each entry's English lexemes tagged
// with its user (vlt_user_tag, migration 0003_per_user_search), and every query is tagged the same
// way, so the GIN index is walked for the asking user's lexemes only. Ranking is ts_rank (`rankOf`),
// snippets ts_headline (on the untagged query).
import { sql, type SQL } from 'drizzle-orm';
import { HIGHLIGHT, SNIPPET_TOKENS, TAGGED_SNIPPET_CHARS } from '../../shared/fts5.js';
import type { OracleTerm } from '../../shared/oracle.js';
import type {
  CandidateRow,
  ChunkNeighbour,
  CodeCandidate,
  CodeNeighbour,
  Neighbour,
  NoteCandidate,
} from '../../shared/retrieval.js';
import { commonAt, type SearchWord } from '../../shared/search-query.js';
import type { CodeHit, CodeSearch, EntrySearch, Executor, NoteHit, NoteSearch, SearchHit } from './index.js';
import { CODE_CANDIDATE_COLUMNS } from './code-columns.js';

/** A tsquery for search words: each word only ever a word (stemmed like the index), `*` a prefix. */
function wordsQuery(words: SearchWord[], mode: 'all' | 'any'): SQL {
  const parts = words.map(({ word, prefix }) =>
    prefix ? sql`to_tsquery('english', ${`${word}:*`})` : sql`websearch_to_tsquery('english', ${word})`,
  );
  return sql`(${sql.join(parts, mode === 'all' ? sql` && ` : sql` || `)})`;
}

/** One Oracle term as a tsquery: a phrase, a prefix (`:*`) or a word; the words are only ever words. */
function termQuery(term: OracleTerm): SQL {
  if (isPhrase(term)) return sql`phraseto_tsquery('english', ${term.text})`;
  const word = termWord(term);
  return sql`to_tsquery('english', ${term.prefix ? `${word}:*` : word})`;
}

/** Several words that must stand together (a quoted part of the question). */
const isPhrase = (term: OracleTerm) => /\s/.test(term.text);

/** A one-word term's word, only letters, digits and "_" (nothing a tsquery would read as syntax). */
const termWord = (term: OracleTerm) => term.text.replace(/[^\p{L}\p{N}_]/gu, '');

/**
 * A match's rank (lower is better), computed where the match is read, so that only numbers are
 * kept for the filters and the sort: ts_rank, the query's lexemes' weighted frequency divided by
 * 1 + the log of the text's length (normalization 1, as BM25 normalizes by length). Not
 * ts_rank_cd: its cover density walks every position of the query's lexemes, and with the
 * tsvectors carried through the CTE it made the candidate query 2 to 3 times slower on a large
 * vault (docs/performance.md); the Oracle scores its candidates again with BM25 anyway.
 */
const rankOf = (vector: SQL) => sql`-ts_rank(${vector}, q.q, 1)`;

/** The query as the index holds the user's lexemes. */
const tagged = (userId: string, query: SQL) => sql`vlt_tagged_tsquery(vlt_user_tag(${userId}), ${query})`;

/** The user's entries that carry every one of `tags`. */
const taggedWith = (userId: string, tags: string[]) => sql`(
  SELECT entry_pk FROM entry_marks WHERE user_id = ${userId}
    AND tag IN (${sql.join(
      tags.map((t) => sql`${t}`),
      sql`, `,
    )})
  GROUP BY entry_pk HAVING count(*) = ${tags.length})`;

const HEADLINE = `StartSel=${HIGHLIGHT.open}, StopSel=${HIGHLIGHT.close}, MaxWords=${SNIPPET_TOKENS}, MinWords=6, MaxFragments=1, FragmentDelimiter=…`;

/** More entries than this holding a term make it common (the Oracle leaves it out): counting stops there. */
const countCap = (total: number) => Math.ceil(commonAt(total)) + 1;

export function postgresEntrySearch(db: Executor): EntrySearch {
  const none = () => Promise.resolve();
  return {
    // The tagged tsvector is a generated column: storing an entry indexes it, moving or deleting
    // a thread needs nothing more.
    indexEntries: none,
    entryChanged: none,
    threadMoved: none,
    threadDeleting: none,

    search(scope, words, mode): Promise<SearchHit[]> {
      const tags = scope.tags ?? [];
      if (words.length === 0 && tags.length === 0) return Promise.resolve([]);
      const filters = [sql`TRUE`];
      if (scope.projectId) filters.push(sql`t.project_id = ${scope.projectId}`);
      if (scope.threadId) filters.push(sql`t.thread_id = ${scope.threadId}`);
      const withTags = tags.length > 0 ? taggedWith(scope.userId, tags) : undefined;
      if (words.length === 0 && withTags) {
        // Tags only: the newest entries with them, the content's start as the snippet.
        return db.all<SearchHit>(sql`
          SELECT 0 AS rank,
                 CASE WHEN length(e.content) > ${TAGGED_SNIPPET_CHARS}
                      THEN substr(e.content, 1, ${TAGGED_SNIPPET_CHARS}) || '…' ELSE e.content END AS snippet,
                 e.entry_id AS "entryId", e.sequence_id AS "sequenceId", e.author, e.timestamp,
                 t.project_id AS "projectId", t.thread_id AS "threadId"
          FROM entries e JOIN threads t ON t.pk = e.thread_pk
          WHERE e.user_id = ${scope.userId} AND e.pk IN ${withTags} AND ${sql.join(filters, sql` AND `)}
          ORDER BY e.pk DESC LIMIT ${scope.limit}`);
      }
      if (withTags) filters.push(sql`m.pk IN ${withTags}`);
      // The threads are joined only to filter by them.
      const byThread = Boolean(scope.projectId || scope.threadId);
      const plain = wordsQuery(words, mode);
      // The index match first, whatever the planner's statistics say, then the filters and the
      // ranking over the matches only.
      return db.all<SearchHit>(sql`
        WITH q AS (SELECT ${tagged(scope.userId, plain)} AS q, ${plain} AS plain),
        matches AS MATERIALIZED (
          SELECT e.pk, e.thread_pk, ${rankOf(sql`e.content_tsv`)} AS rank FROM entries e, q
          WHERE e.content_tsv @@ q.q AND e.user_id = ${scope.userId}
        ),
        hits AS (
          SELECT m.pk, m.rank
          FROM matches m${byThread ? sql` JOIN threads t ON t.pk = m.thread_pk` : sql``}
          WHERE ${sql.join(filters, sql` AND `)}
          ORDER BY rank, m.pk LIMIT ${scope.limit}
        )
        SELECT hits.rank, ts_headline('english', e.content, q.plain, ${HEADLINE}) AS snippet,
               e.entry_id AS "entryId", e.sequence_id AS "sequenceId", e.author, e.timestamp,
               t.project_id AS "projectId", t.thread_id AS "threadId"
        FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk, q
        ORDER BY hits.rank, hits.pk`);
    },

    candidates(userId, terms, projectId, limit, tag): Promise<CandidateRow[]> {
      if (terms.length === 0) return Promise.resolve([]);
      const filters = [sql`TRUE`];
      if (projectId) filters.push(sql`t.project_id = ${projectId}`);
      if (tag !== undefined) filters.push(sql`m.pk IN ${taggedWith(userId, [tag])}`);
      const query = tagged(userId, sql`(${sql.join(terms.map(termQuery), sql` || `)})`);
      return db.all<CandidateRow>(sql`
        WITH q AS (SELECT ${query} AS q),
        matches AS MATERIALIZED (
          SELECT e.pk, e.thread_pk, ${rankOf(sql`e.content_tsv`)} AS rank FROM entries e, q
          WHERE e.content_tsv @@ q.q AND e.user_id = ${userId}
        ),
        hits AS (
          SELECT m.pk, m.rank
          FROM matches m${projectId ? sql` JOIN threads t ON t.pk = m.thread_pk` : sql``}
          WHERE ${sql.join(filters, sql` AND `)}
          ORDER BY rank, m.pk LIMIT ${limit}
        )
        SELECT hits.rank, e.pk AS pk, e.content, e.entry_id AS "entryId", e.sequence_id AS seq, e.author,
               e.timestamp, t.project_id AS project, t.thread_id AS thread, e.thread_pk AS "threadPk"
        FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk
        ORDER BY hits.rank, hits.pk`);
    },

    entriesAt(userId, places) {
      if (places.length === 0) return Promise.resolve([]);
      return db.all<Neighbour>(sql`
        SELECT e.thread_pk AS "threadPk", e.sequence_id AS seq, e.content
        FROM unnest(${`{${places.map((p) => p.threadPk).join(',')}}`}::integer[],
                    ${`{${places.map((p) => p.seq).join(',')}}`}::integer[]) AS p(thread_pk, seq)
        JOIN entries e ON e.thread_pk = p.thread_pk AND e.sequence_id = p.seq
        WHERE e.user_id = ${userId}`);
    },

    async documentCounts(userId, terms) {
      const total =
        (
          await db.get<{ total: number | null }>(
            sql`SELECT CAST(sum(entry_count) AS INTEGER) AS total FROM threads WHERE user_id = ${userId}`,
          )
        )?.total ?? 0;
      if (total === 0 || terms.length === 0) return { counts: terms.map(() => 0), total };
      // The user's own entries holding each term, from the counts the entry_terms triggers keep
      // (migration 0008): a word's lexeme, or the sum over a prefix's lexemes (those from it up to
      // it with its last character's successor, in the column's byte order), as SQLite's FTS5
      // vocabulary answers. A phrase is counted in the entries, up to where it is common anyway.
      const cap = countCap(total);
      const counts: number[] = terms.map(() => 0);
      const words = terms.flatMap((term, i) =>
        isPhrase(term) ? [] : [{ i, word: termWord(term), prefix: term.prefix }],
      );
      const phrases = terms.flatMap((term, i) => (isPhrase(term) ? [{ i, term }] : []));
      await Promise.all([
        // The words in one statement, each a lexeme's count, or a prefix's sum (an index range).
        (async () => {
          if (words.length === 0) return;
          const rows = await db.all<{ i: number; n: number }>(sql`
            WITH w AS (
              -- A word the parser splits (refresh_token: two lexemes) is counted 0, as FTS5's
              -- vocabulary answers for it on SQLite.
              SELECT x.i, x.prefix, CASE WHEN cardinality(l.lexemes) = 1 THEN l.lexemes[1] END AS lexeme
              FROM jsonb_to_recordset(${JSON.stringify(words)}::jsonb) AS x(i int, word text, prefix boolean),
                LATERAL (SELECT tsvector_to_array(to_tsvector('english', x.word)) AS lexemes) l
            )
            SELECT w.i, CAST(coalesce(CASE
              WHEN w.prefix THEN (SELECT sum(t.df) FROM entry_terms t WHERE t.user_id = ${userId}
                AND t.lexeme >= w.lexeme AND t.lexeme < left(w.lexeme, -1) || chr(ascii(right(w.lexeme, 1)) + 1))
              ELSE (SELECT sum(t.df) FROM entry_terms t WHERE t.user_id = ${userId} AND t.lexeme = w.lexeme)
            END, 0) AS INTEGER) AS n FROM w`);
          for (const row of rows) counts[row.i] = row.n;
        })(),
        ...phrases.map(async ({ i, term }) => {
          const row = await db.get<{ n: number }>(sql`
            SELECT CAST(count(*) AS INTEGER) AS n FROM (
              SELECT 1 FROM entries
              WHERE content_tsv @@ ${tagged(userId, termQuery(term))} AND user_id = ${userId} LIMIT ${cap}
            ) x`);
          counts[i] = row?.n ?? 0;
        }),
      ]);
      return { counts, total };
    },
  };
}

/**
 * How many of the user's chunks in `table` (note_chunks, code_chunks: each has user_id and its
 * tagged search_tsv) hold each term, counted up to the point where the term is common anyway.
 */
async function chunkCounts(
  db: Executor,
  table: 'note_chunks' | 'code_chunks',
  userId: string,
  terms: OracleTerm[],
): Promise<{ counts: number[]; total: number }> {
  const rows = sql.raw(table);
  const total =
    (
      await db.get<{ n: number }>(
        sql`SELECT CAST(count(*) AS INTEGER) AS n FROM ${rows} WHERE user_id = ${userId}`,
      )
    )?.n ?? 0;
  if (total === 0 || terms.length === 0) return { counts: terms.map(() => 0), total };
  const cap = countCap(total);
  const counts = await Promise.all(
    terms.map(async (term) => {
      const row = await db.get<{ n: number }>(sql`
        SELECT CAST(count(*) AS INTEGER) AS n FROM (
          SELECT 1 FROM ${rows}
          WHERE search_tsv @@ ${tagged(userId, termQuery(term))} AND user_id = ${userId} LIMIT ${cap}
        ) x`);
      return row?.n ?? 0;
    }),
  );
  return { counts, total };
}

/** A kind of chunk: its table, its file's table and the column that names the file. */
interface ChunkTables {
  chunks: 'note_chunks' | 'code_chunks';
  files: 'notes' | 'code_files';
  fileKey: 'note_pk' | 'file_pk';
}
const NOTE_TABLES: ChunkTables = { chunks: 'note_chunks', files: 'notes', fileKey: 'note_pk' };
const CODE_TABLES: ChunkTables = { chunks: 'code_chunks', files: 'code_files', fileKey: 'file_pk' };

/**
 * The user's best `limit` chunks of one kind (of one project) for a tagged tsquery, best first:
 * `select` reads them as `hits` (rank), `c` (the chunk), `f` (its file) and `q` (the query, with
 * `plain`, the untagged query for snippets, when given). The one query notes and code are searched by.
 */
function rankedChunks(
  t: ChunkTables,
  scope: { userId: string; projectId?: string | undefined; limit: number },
  query: SQL,
  plain: SQL | undefined,
  select: SQL,
): SQL {
  const chunks = sql.raw(t.chunks);
  const files = sql.raw(t.files);
  const key = sql.raw(t.fileKey);
  return sql`
    WITH q AS (SELECT ${tagged(scope.userId, query)} AS q${plain ? sql`, ${plain} AS plain` : sql``}),
    matches AS MATERIALIZED (
      SELECT c.pk, c.${key} AS file_pk, ${rankOf(sql`c.search_tsv`)} AS rank FROM ${chunks} c, q
      WHERE c.search_tsv @@ q.q AND c.user_id = ${scope.userId}
    ),
    hits AS (
      SELECT m.pk, m.rank
      FROM matches m${scope.projectId ? sql` JOIN ${files} f ON f.pk = m.file_pk WHERE f.project_id = ${scope.projectId}` : sql``}
      ORDER BY rank, m.pk LIMIT ${scope.limit}
    )
    SELECT ${select}
    FROM hits JOIN ${chunks} c ON c.pk = hits.pk JOIN ${files} f ON f.pk = c.${key}, q
    ORDER BY hits.rank, hits.pk`;
}

/** The chunks at some places (a file's pk, a chunk's number), for the Oracle's neighbours. */
function chunksAt<T>(
  db: Executor,
  t: ChunkTables,
  alias: string,
  userId: string,
  places: { pk: number; seq: number }[],
) {
  if (places.length === 0) return Promise.resolve([]);
  const key = sql.raw(t.fileKey);
  return db.all<T>(sql`
    SELECT c.${key} AS ${sql.raw(`"${alias}"`)}, c.seq, c.content
    FROM unnest(${`{${places.map((p) => p.pk).join(',')}}`}::integer[],
                ${`{${places.map((p) => p.seq).join(',')}}`}::integer[]) AS p(file_pk, seq)
    JOIN ${sql.raw(t.chunks)} c ON c.${key} = p.file_pk AND c.seq = p.seq
    WHERE c.user_id = ${userId}`);
}

/** Every Oracle term as one tsquery (any of them). */
const anyTerm = (terms: OracleTerm[]) => sql`(${sql.join(terms.map(termQuery), sql` || `)})`;

/** Note chunks on PostgreSQL: note_chunks.search_tsv, tagged and weighted (title A, headings B, text D). */
export function postgresNoteSearch(db: Executor): NoteSearch {
  const none = () => Promise.resolve();
  return {
    // A generated column: storing a chunk indexes it, deleting it unindexes it.
    indexChunks: none,
    dropChunks: none,

    search(scope, words, mode): Promise<NoteHit[]> {
      if (words.length === 0) return Promise.resolve([]);
      const plain = wordsQuery(words, mode);
      return db.all<NoteHit>(
        rankedChunks(
          NOTE_TABLES,
          scope,
          plain,
          plain,
          sql`hits.rank, ts_headline('english', c.content, q.plain, ${HEADLINE}) AS snippet,
              f.project_id AS "projectId", f.path, f.title, c.heading,
              c.start_line AS "startLine", c.end_line AS "endLine"`,
        ),
      );
    },

    candidates(userId, terms, projectId, limit): Promise<NoteCandidate[]> {
      if (terms.length === 0) return Promise.resolve([]);
      return db.all<NoteCandidate>(
        rankedChunks(
          NOTE_TABLES,
          { userId, projectId, limit },
          anyTerm(terms),
          undefined,
          sql`'note' AS kind, hits.rank, c.content, f.project_id AS project, f.path, c.title, c.heading,
              c.heading_text AS "headingText", c.start_line AS "startLine", c.end_line AS "endLine",
              c.note_pk AS "notePk", c.seq, f.updated_at AS timestamp`,
        ),
      );
    },

    chunksAt: (userId, places) =>
      chunksAt<ChunkNeighbour>(
        db,
        NOTE_TABLES,
        'notePk',
        userId,
        places.map((p) => ({ pk: p.notePk, seq: p.seq })),
      ),

    documentCounts: (userId, terms) => chunkCounts(db, 'note_chunks', userId, terms),
  };
}

/**
 * Code chunks on PostgreSQL: code_chunks.search_tsv, tagged and weighted (name A, signature B,
 * path C, text and identifiers D).
 */
export function postgresCodeSearch(db: Executor): CodeSearch {
  const none = () => Promise.resolve();
  return {
    // A generated column: storing a chunk indexes it, deleting it unindexes it.
    indexChunks: none,
    dropChunks: none,

    search(scope, words, mode): Promise<CodeHit[]> {
      if (words.length === 0) return Promise.resolve([]);
      const plain = wordsQuery(words, mode);
      return db.all<CodeHit>(
        rankedChunks(
          CODE_TABLES,
          scope,
          plain,
          plain,
          sql`hits.rank, ts_headline('english', c.content, q.plain, ${HEADLINE}) AS snippet,
              f.project_id AS "projectId", f.path, f.language, c.kind, c.symbol, c.container, c.signature,
              c.start_line AS "startLine", c.end_line AS "endLine"`,
        ),
      );
    },

    candidates(userId, terms, projectId, limit): Promise<CodeCandidate[]> {
      if (terms.length === 0) return Promise.resolve([]);
      return db.all<CodeCandidate>(
        rankedChunks(
          CODE_TABLES,
          { userId, projectId, limit },
          anyTerm(terms),
          undefined,
          sql.raw(CODE_CANDIDATE_COLUMNS),
        ),
      );
    },

    chunksAt: (userId, places) =>
      chunksAt<CodeNeighbour>(
        db,
        CODE_TABLES,
        'filePk',
        userId,
        places.map((p) => ({ pk: p.filePk, seq: p.seq })),
      ),

    documentCounts: (userId, terms) => chunkCounts(db, 'code_chunks', userId, terms),
  };
}
