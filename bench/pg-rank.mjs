// The candidate query's ranking on PostgreSQL, alone: the same tagged OR query over the first
// user's entries ranked four ways, alternately, median of 7 rounds each, beside a plain count of
// the matches (the floor: the GIN match and its heap recheck). Load a database first, e.g. with
// `node scripts/run-ts.mjs bench/oracle-profile.ts 100000 --postgres-url URL`, then
//   node bench/pg-rank.mjs URL
// A: the tsvectors carried through a materialized CTE and ranked by ts_rank_cd after it (before
// 2026-11-30); B: ts_rank_cd computed in the scan; C: ts_rank (normalization 1) in the scan;
// D: ts_rank in the materialized CTE, as postgres-search.ts ranks now. N: count only.
import pg from 'pg';

const url = process.argv[2];
if (!url) {
  console.error('usage: node bench/pg-rank.mjs postgres://…');
  process.exit(2);
}
const client = new pg.Client(url);
await client.connect();
const user = (await client.query('SELECT id FROM users ORDER BY id LIMIT 1')).rows[0]?.id;
if (!user) {
  console.error('no user in that database: load one first (see the top of this file)');
  process.exit(1);
}
const lit = (s) => `'${s.replace(/'/g, "''")}'`;
const query = (words) =>
  `vlt_tagged_tsquery(vlt_user_tag(${lit(user)}), ${words.map((w) => `to_tsquery('english', ${lit(w)})`).join(' || ')})`;
const last = `SELECT hits.rank, e.pk, e.content FROM hits JOIN entries e ON e.pk = hits.pk
  JOIN threads t ON t.pk = e.thread_pk ORDER BY hits.rank, hits.pk`;
const inScan = (rank) => (words) =>
  `WITH q AS (SELECT ${query(words)} AS q), hits AS (SELECT e.pk, -${rank}(e.content_tsv, q.q${rank === 'ts_rank' ? ', 1' : ''}) AS rank
   FROM entries e, q WHERE e.content_tsv @@ q.q AND e.user_id = ${lit(user)} ORDER BY rank, e.pk LIMIT 60) ${last}`;
const VARIANTS = {
  A: (words) => `WITH q AS (SELECT ${query(words)} AS q),
    matches AS MATERIALIZED (SELECT e.pk, e.thread_pk, e.content_tsv FROM entries e, q
      WHERE e.content_tsv @@ q.q AND e.user_id = ${lit(user)}),
    hits AS (SELECT m.pk, -ts_rank_cd(m.content_tsv, q.q) AS rank FROM matches m JOIN threads t ON t.pk = m.thread_pk, q
      ORDER BY rank, m.pk LIMIT 60) ${last}`,
  B: inScan('ts_rank_cd'),
  C: inScan('ts_rank'),
  D: (words) => `WITH q AS (SELECT ${query(words)} AS q),
    matches AS MATERIALIZED (SELECT e.pk, e.thread_pk, -ts_rank(e.content_tsv, q.q, 1) AS rank FROM entries e, q
      WHERE e.content_tsv @@ q.q AND e.user_id = ${lit(user)}),
    hits AS (SELECT m.pk, m.rank FROM matches m JOIN threads t ON t.pk = m.thread_pk ORDER BY rank, m.pk LIMIT 60) ${last}`,
  N: (words) =>
    `SELECT count(*) AS n FROM entries e WHERE e.content_tsv @@ ${query(words)} AND e.user_id = ${lit(user)}`,
};
// Words of bench/corpus.ts's vocabulary: three of middling frequency, one, and four together.
const SETS = [['deadline', 'ticket', 'deploy'], ['deadline'], ['token', 'expire', 'session', 'login']];
const times = new Map();
const matches = new Map();
for (let round = 0; round < 7; round++) {
  for (const words of SETS) {
    for (const [name, build] of Object.entries(VARIANTS)) {
      const started = performance.now();
      const result = await client.query(build(words));
      const key = `${words.join(' ')}\t${name}`;
      times.set(key, [...(times.get(key) ?? []), performance.now() - started]);
      if (name === 'N') matches.set(words.join(' '), Number(result.rows[0].n));
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const words of SETS) {
  const key = words.join(' ');
  const row = Object.keys(VARIANTS).map(
    (name) => `${name} ${median(times.get(`${key}\t${name}`)).toFixed(1)}`,
  );
  console.log(`${key} (${matches.get(key)} matches): ${row.join(', ')} ms`);
}
await client.end();
