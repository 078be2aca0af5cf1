// `vlt thread seek` on a vault of 100,000 entries against `vlt thread push --no-sync` on the same
// vault, whole processes, alternating, median of many runs. Target: seek <= 1.5x push.
import Database from 'better-sqlite3';
import { fmt, flag, median, scratchVault, timed, vlt, VLT } from './lib.mjs';

const total = Number(flag('--entries', '100000'));
const runs = Number(flag('--runs', '21'));
const threadsCount = 200;

// A deterministic corpus: Zipf-distributed words from a fixed vocabulary, plus planted rare terms.
let state = 42;
const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const vocabulary = [];
for (let i = 0; i < 5000; i++) vocabulary.push(`w${i.toString(36)}`);
const common = ['token', 'cache', 'deploy', 'error', 'retry', 'schema', 'session', 'build', 'test', 'sync'];
const zipf = () => vocabulary[Math.floor(vocabulary.length * Math.pow(random(), 3))];

const { cwd, env, vault } = scratchVault('bench');
vlt(['thread', 'new', 'bench-push', 'first entry', '--no-sync'], { cwd, env });
const started = Date.now();
const db = new Database(vault);
db.pragma('journal_mode = WAL');
const insertThread = db.prepare(
  "INSERT INTO threads (project_id, slug, last_seq, updated_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
);
const insertEntry = db.prepare(
  'INSERT INTO entries (id, thread_pk, seq, content, author, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
);
const perThread = Math.ceil(total / threadsCount);
db.prepare("INSERT OR IGNORE INTO projects (id, name) VALUES ('other', 'other')").run();
let written = 0;
db.transaction(() => {
  for (let t = 0; t < threadsCount && written < total; t++) {
    const project = t % 2 ? 'bench' : 'other';
    const count = Math.min(perThread, total - written);
    const { lastInsertRowid } = insertThread.run(project, `thread-${t}`, count - 1);
    for (let seq = 0; seq < count; seq++, written++) {
      const words = [];
      const length = 8 + Math.floor(random() * 30);
      for (let w = 0; w < length; w++)
        words.push(random() < 0.08 ? common[Math.floor(random() * common.length)] : zipf());
      if (written % 20000 === 7) words.push('zanzibar');
      const id = `00000000-0000-7000-8000-${written.toString(16).padStart(12, '0')}`;
      insertEntry.run(
        id,
        lastInsertRowid,
        seq,
        words.join(' '),
        'bench',
        new Date(1e12 + written * 1000).toISOString(),
      );
    }
    if (t % 40 === 39) process.stderr.write(`\rbuilding vault: ${written}/${total} entries`);
  }
})();
db.close();
process.stderr.write(
  `\rbuilt a vault of ${written} entries in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);

const push = [];
const rare = [];
const frequent = [];
const scoped = [];
const seekArgs = (query, ...extra) => [VLT, 'thread', 'seek', query, '--json', ...extra];
timed(seekArgs('token cache'), { cwd, env });
for (let i = 0; i < runs; i++) {
  push.push(timed([VLT, 'thread', 'push', 'bench-push', `entry ${i}`, '--no-sync'], { cwd, env }));
  rare.push(timed(seekArgs('zanzibar'), { cwd, env }));
  frequent.push(timed(seekArgs('token cache'), { cwd, env }));
  scoped.push(timed(seekArgs('deploy retry', '--project', 'bench'), { cwd, env }));
}
const result = {
  entries: written,
  runs,
  pushMs: median(push),
  seekRareMs: median(rare),
  seekCommonMs: median(frequent),
  seekProjectMs: median(scoped),
};
result.worstRatio = Math.max(result.seekRareMs, result.seekCommonMs, result.seekProjectMs) / result.pushMs;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`vlt thread seek on ${written} entries, median of ${runs} whole processes, alternating:`);
  console.log(`  vlt thread push --no-sync                 ${fmt(result.pushMs)}`);
  console.log(`  seek rare word ("zanzibar")               ${fmt(result.seekRareMs)}`);
  console.log(`  seek common words ("token cache")         ${fmt(result.seekCommonMs)}`);
  console.log(`  seek with --project ("deploy retry")      ${fmt(result.seekProjectMs)}`);
  console.log(`  worst seek / push                         ${result.worstRatio.toFixed(2)} (target <= 1.50)`);
}
