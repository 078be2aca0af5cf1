// The growth rows' searches and the fixture's questions, timed in this process (no HTTP) on a
// server database kept between runs, so that two versions of the code can be compared in turns on
// the same data. `build` fills a database (a SQLite file, or a PostgreSQL URL: an empty database)
// with N of the benchmark's entries for one user, as `npm run bench` grows them, and prints the
// user's id; `time` runs the searches, the Oracle and the questions typed as searches, p50 / p95
// of three rounds after a warm-up, with `--per` the median of each search.
//   node scripts/run-ts.mjs bench/query-profile.ts build N DATABASE
//   node scripts/run-ts.mjs bench/query-profile.ts time DATABASE USER_ID [--per]
import { randomBytes } from 'node:crypto';
import { createDeps } from '../src/server/context.js';
import { openServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import { QUESTIONS } from '../eval/fixture.js';
import { pushInProcess, SEARCHES, texts } from './corpus.js';

const [action, ...args] = process.argv.slice(2);
const usage = () => {
  console.error('usage: query-profile.ts build N DATABASE | time DATABASE USER_ID [--per]');
  process.exit(2);
};

if (action === 'build') {
  const size = Number(args[0]);
  if (!(size > 0) || !args[1]) usage();
  const deps = createDeps(await openServerDb(args[1]!), DEFAULT_LIMITS, { secret: randomBytes(32) });
  const user = await deps.accounts.signup('bench', 'benchmark password');
  await pushInProcess(deps, user.id, texts(size), (pushed) => process.stderr.write(`\r  ${pushed}/${size}`));
  process.stderr.write('\n');
  console.log(user.id);
  await deps.db.close();
} else if (action === 'time') {
  const [database, userId] = args;
  if (!database || !userId) usage();
  const deps = createDeps(await openServerDb(database!), DEFAULT_LIMITS, { secret: randomBytes(32) });
  const time = async (call: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await call();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const at = (sorted: number[], q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `p50 ${at(sorted, 0.5).toFixed(1)} p95 ${at(sorted, 0.95).toFixed(1)} ms`;
  };
  const searches: number[] = [];
  const asks: number[] = [];
  const typed: number[] = [];
  const each = new Map<string, number[]>();
  for (let round = 0; round < 4; round++) {
    for (const search of SEARCHES) {
      const ms = await time(() => deps.threads.search(userId!, { ...search, limit: 10 }));
      if (round === 0) continue;
      searches.push(ms);
      const key = `${search.query}${search.projectId ? ` (project ${search.projectId})` : ''}`;
      each.set(key, [...(each.get(key) ?? []), ms]);
    }
    for (const q of QUESTIONS) {
      const ms = await time(() => deps.oracle.ask(userId!, { question: q.question }));
      if (round > 0) asks.push(ms);
    }
    for (const q of QUESTIONS) {
      const ms = await time(() => deps.threads.search(userId!, { query: q.question, limit: 20 }));
      if (round > 0) typed.push(ms);
    }
  }
  console.log(`threads.search: ${spread(searches)}`);
  console.log(`oracle.ask: ${spread(asks)}`);
  console.log(`questions typed as searches: ${spread(typed)}`);
  if (args.includes('--per')) {
    for (const [key, values] of each) console.log(`  ${spread(values).split(' p95')[0]}  ${key}`);
  }
  await deps.db.close();
} else usage();
