// The Oracle at 100,000 entries: `oracle.ask` (extractive) in-process, p50/p95; and
// `vlt oracle --local` against `vlt thread push --no-sync` on the same vault, whole processes,
// alternating, medians. Targets: p95 <= 50 ms; oracle --local <= 2x push.
// Run: node scripts/run-ts.mjs bench/oracle.ts [--entries N] [--runs N] [--json]
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeps } from '../src/server/context.js';
import { openServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { fixtureEntries, QUESTIONS } from '../eval/fixture.js';
import { corpus } from './corpus.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const total = Number(arg('--entries', '100000'));
const runs = Number(arg('--runs', '21'));
const VLT = join(import.meta.dirname, '..', 'cli', 'vlt.mjs');
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const log = (text: string) => process.stderr.write(text);

const base = mkdtempSync(join(tmpdir(), 'vlt-bench-oracle-'));
const texts = corpus(total);
const planted = fixtureEntries().filter((e) => e.key);
const THREADS = 200;

// ---- in-process: the server's oracle.ask ------------------------------------------------------
const deps = createDeps(openServerDb(join(base, 'server.db')), DEFAULT_LIMITS, { secret: randomBytes(32) });
const user = await deps.accounts.signup('bench', 'benchmark password');
let started = Date.now();
const perThread = Math.ceil(total / THREADS);
for (let t = 0; t < THREADS; t++) {
  const slice = texts.slice(t * perThread, (t + 1) * perThread);
  for (let offset = 0; offset < slice.length; offset += 100) {
    deps.threads.push(user.id, {
      projectId: t % 2 ? 'web' : 'infra',
      threadId: `thread-${t}`,
      status: 'active',
      createdAt: new Date(Date.UTC(2026, 0, 1)),
      entries: slice.slice(offset, offset + 100).map((content, i) => ({
        entryId: uuidv7(),
        sequenceId: offset + i,
        content,
        author: 'bench',
        timestamp: new Date(Date.UTC(2026, 0, 1) + (offset + i) * 1000),
      })),
    });
  }
  if (t % 20 === 19) log(`\rserver: ${Math.min(total, (t + 1) * perThread)}/${total} entries`);
}
for (const [i, entry] of planted.entries()) {
  deps.threads.push(user.id, {
    projectId: entry.project,
    threadId: entry.thread,
    status: 'active',
    createdAt: new Date(),
    entries: [
      { entryId: uuidv7(), sequenceId: i, content: entry.content, author: 'bench', timestamp: new Date() },
    ],
  });
}
log(`\rserver: ${total} entries in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
for (const q of QUESTIONS.slice(0, 5)) await deps.oracle.ask(user.id, { question: q.question });
const askMs: number[] = [];
const byQuestion = new Map<string, number[]>();
for (let round = 0; round < 4; round++) {
  for (const q of QUESTIONS) {
    const t0 = process.hrtime.bigint();
    await deps.oracle.ask(user.id, { question: q.question });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    askMs.push(ms);
    byQuestion.set(q.question, [...(byQuestion.get(q.question) ?? []), ms]);
  }
}
if (process.argv.includes('--verbose')) {
  const slowest = [...byQuestion]
    .map(([q, ms]) => [q, quantile(ms, 0.5)] as const)
    .sort((a, b) => b[1] - a[1]);
  for (const [q, ms] of slowest.slice(0, 6)) log(`  ${ms.toFixed(1)} ms  ${q}\n`);
}
deps.db.close();

// ---- whole processes: vlt oracle --local vs vlt thread push on one vault ---------------------
const home = join(base, 'home');
const cwd = join(base, 'work');
mkdirSync(cwd);
const env: NodeJS.ProcessEnv = { ...process.env, VLT_HOME: home };
delete env.VLT_SYNC_TOKEN;
const vlt = (args: string[]) => {
  const t0 = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [VLT, ...args], { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vlt ${args.join(' ')}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
vlt(['init', '--project', 'bench']);
vlt(['thread', 'new', 'bench-push', 'first entry', '--no-sync']);
started = Date.now();
const db = new Database(join(home, 'vault.db'));
const insertThread = db.prepare(
  "INSERT INTO threads (project_id, slug, last_seq, updated_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
);
const insertEntry = db.prepare(
  'INSERT INTO entries (id, thread_pk, seq, content, author, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
);
for (const project of new Set(['web', 'infra', ...planted.map((e) => e.project)])) {
  db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(project, project);
}
db.transaction(() => {
  for (let t = 0; t < THREADS; t++) {
    const slice = texts.slice(t * perThread, (t + 1) * perThread);
    const { lastInsertRowid } = insertThread.run(t % 2 ? 'web' : 'infra', `thread-${t}`, slice.length - 1);
    slice.forEach((content, seq) =>
      insertEntry.run(uuidv7(), lastInsertRowid, seq, content, 'bench', new Date().toISOString()),
    );
  }
  planted.forEach((entry, i) => {
    const { lastInsertRowid } = insertThread.run(entry.project, `${entry.thread}-${i}`, 0);
    insertEntry.run(uuidv7(), lastInsertRowid, 0, entry.content, 'bench', new Date().toISOString());
  });
})();
db.close();
log(`vault: ${total} entries in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
vlt(['oracle', QUESTIONS[0]!.question, '--local']);
const pushMs: number[] = [];
const oracleMs: number[] = [];
for (let i = 0; i < runs; i++) {
  pushMs.push(vlt(['thread', 'push', 'bench-push', `entry ${i}`, '--no-sync']));
  oracleMs.push(vlt(['oracle', QUESTIONS[i % QUESTIONS.length]!.question, '--local']));
}
rmSync(base, { recursive: true, force: true });

const result = {
  entries: total,
  askP50Ms: quantile(askMs, 0.5),
  askP95Ms: quantile(askMs, 0.95),
  asks: askMs.length,
  runs,
  pushMs: quantile(pushMs, 0.5),
  oracleLocalMs: quantile(oracleMs, 0.5),
  ratio: quantile(oracleMs, 0.5) / quantile(pushMs, 0.5),
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`Oracle on ${total} entries:`);
  console.log(
    `  oracle.ask extractive, in-process (${result.asks} asks)   p50 ${result.askP50Ms.toFixed(1)} ms, p95 ${result.askP95Ms.toFixed(1)} ms (target p95 <= 50 ms)`,
  );
  console.log(`  vlt thread push --no-sync, median of ${runs}             ${result.pushMs.toFixed(1)} ms`);
  console.log(
    `  vlt oracle --local, median of ${runs}                    ${result.oracleLocalMs.toFixed(1)} ms`,
  );
  console.log(
    `  oracle --local / push                                  ${result.ratio.toFixed(2)} (target <= 2.00)`,
  );
}
