// `vlt thread push --no-sync` against the floor (bench/floor.mjs: open the same vault, insert one
// row), both as whole processes, alternating, median of many runs. Target: ratio <= 1.3.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { fmt, flag, median, ROOT, scratchVault, timed, vlt, VLT } from './lib.mjs';

const runs = Number(flag('--runs', '21'));
const { cwd, env, vault } = scratchVault();
vlt(['thread', 'new', 'bench-push', 'first entry', '--no-sync'], { cwd, env });
const db = new Database(vault);
db.exec('CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, content TEXT NOT NULL)');
db.close();

const floorScript = join(ROOT, 'bench', 'floor.mjs');
const node = [];
const floor = [];
const push = [];
// Warm the page cache and the vault before measuring.
timed([floorScript, vault], { cwd, env });
timed([VLT, 'thread', 'push', 'bench-push', 'warm-up', '--no-sync'], { cwd, env });
for (let i = 0; i < runs; i++) {
  node.push(timed(['-e', '0'], { cwd, env }));
  floor.push(timed([floorScript, vault], { cwd, env }));
  push.push(
    timed([VLT, 'thread', 'push', 'bench-push', `entry ${i} of the push benchmark`, '--no-sync'], {
      cwd,
      env,
    }),
  );
}
const result = {
  runs,
  nodeMs: median(node),
  floorMs: median(floor),
  pushMs: median(push),
};
result.ratio = result.pushMs / result.floorMs;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`vlt thread push --no-sync, median of ${runs} whole processes, alternating:`);
  console.log(`  node -e 0          ${fmt(result.nodeMs)}`);
  console.log(`  floor (1 insert)   ${fmt(result.floorMs)}`);
  console.log(`  vlt thread push    ${fmt(result.pushMs)}`);
  console.log(`  ratio push/floor   ${result.ratio.toFixed(2)} (target <= 1.30)`);
}
