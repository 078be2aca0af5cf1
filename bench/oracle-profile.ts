// A focused timing of the Oracle on N generated entries (bench/corpus.ts, as `npm run bench` grows
// them) with the fixture's planted facts, in this process (no HTTP): `oracle.ask` on the server's
// SQLite (a file) and, with --postgres, on PGlite, or with --postgres-url URL on that PostgreSQL
// database (made empty first); `threads.search` of the same questions beside it; the vault's
// retrieval with --local. p50 / p95.
//   node scripts/run-ts.mjs bench/oracle-profile.ts [N] [--local] [--postgres | --postgres-url URL]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThread } from '../src/cli/vault/append.js';
import { openVault } from '../src/cli/vault/open.js';
import { Vault } from '../src/cli/vault/vault.js';
import { createDeps } from '../src/server/context.js';
import { openServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { fixtureEntries, QUESTIONS } from '../eval/fixture.js';
import { corpus, pushInProcess } from './corpus.js';

const size = Number(process.argv[2] ?? 100_000);
const quantiles = (label: string, times: number[]) => {
  times.sort((a, b) => a - b);
  console.log(
    `${label}, ${size} entries: p50 ${times[times.length >> 1]!.toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(1)} ms (${times.length} questions)`,
  );
};

async function server(database: string, label: string) {
  const deps = createDeps(await openServerDb(database), DEFAULT_LIMITS, { secret: randomBytes(32) });
  const user = await deps.accounts.signup('bench', 'benchmark password');
  await pushInProcess(deps, user.id, corpus(size));
  for (const [i, e] of fixtureEntries()
    .filter((e) => e.key)
    .entries()) {
    await deps.threads.push(user.id, {
      projectId: e.project,
      threadId: `${e.thread}-${i}`,
      status: 'active',
      createdAt: new Date(),
      entries: [
        { entryId: uuidv7(), sequenceId: 0, content: e.content, author: 'bench', timestamp: new Date() },
      ],
    });
  }
  const times: number[] = [];
  const searches: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of QUESTIONS) {
      let t0 = process.hrtime.bigint();
      await deps.oracle.ask(user.id, { question: q.question });
      if (round > 0) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      await deps.threads.search(user.id, { query: q.question, limit: 20 });
      if (round > 0) searches.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  quantiles(label, times);
  quantiles(label.replace('oracle.ask', 'threads.search'), searches);
  await deps.db.close();
}

const url = process.argv.includes('--postgres-url')
  ? process.argv[process.argv.indexOf('--postgres-url') + 1]
  : '';
if (url) {
  await server(url, 'oracle.ask, server on PostgreSQL');
  process.exit(0);
}
if (!process.argv.includes('--local')) {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-oracle-profile-'));
  await server(join(dir, 'server.db'), 'oracle.ask, server on SQLite');
  rmSync(dir, { recursive: true, force: true });
  if (process.argv.includes('--postgres')) await server('pglite:memory', 'oracle.ask, server on PGlite');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'vlt-oracle-profile-'));
const db = openVault(join(dir, 'vault.db'), { create: true })!;
createThread(db, {
  project: 'web',
  slug: 'seed',
  content: 'seed',
  author: 'bench',
  projectName: 'web',
  server: null,
});
for (const p of ['infra', 'data', 'mobile'])
  db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(p, p);
const texts = corpus(size);
const insertThread = db.prepare(
  "INSERT INTO threads (project_id, slug, last_seq, updated_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
);
const insertEntry = db.prepare(
  'INSERT INTO entries (id, thread_pk, seq, content, author, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
);
const threads = Math.max(10, Math.round(size / 500));
const per = Math.ceil(size / threads);
db.transaction(() => {
  for (let t = 0; t < threads; t++) {
    const slice = texts.slice(t * per, (t + 1) * per);
    const { lastInsertRowid } = insertThread.run(
      ['web', 'infra', 'data', 'mobile'][t % 4],
      `thread-${t}`,
      slice.length - 1,
    );
    slice.forEach((c, seq) =>
      insertEntry.run(uuidv7(), lastInsertRowid, seq, c, 'bench', new Date().toISOString()),
    );
  }
  fixtureEntries()
    .filter((e) => e.key)
    .forEach((e, i) => {
      const { lastInsertRowid } = insertThread.run(e.project, `${e.thread}-${i}`, 0);
      insertEntry.run(uuidv7(), lastInsertRowid, 0, e.content, 'bench', new Date().toISOString());
    });
})();
const vault = new Vault(db);
const times: number[] = [];
for (let round = 0; round < 3; round++) {
  for (const q of QUESTIONS) {
    const t0 = process.hrtime.bigint();
    await vault.oracleSources(q.question, { limit: 5 });
    if (round > 0) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
quantiles('oracle retrieval, local vault', times);
db.close();
rmSync(dir, { recursive: true, force: true });
