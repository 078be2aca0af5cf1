// `vlt-server`'s start-up, whole processes beside `node -e 0` in the same conditions, alternating,
// median of many runs: `vlt-server --version`, `vlt-server user add` on a fresh SQLite data
// directory, and from spawning `vlt-server start --port 0` to its first successful GET /healthz
// (what a test's `startServer`, a container's health check or a restart waits for).
// Usage: node bench/server-start.mjs [--runs 11] [--json] [--server FILE] [--before FILE]
// (--server: another build than dist/server; --before: a second build, measured alternating with
// the first in the same run, e.g. one built from an earlier commit).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, fmt, median, ROOT, timed } from './lib.mjs';

const builds = { after: flag('--server', join(ROOT, 'dist', 'server', 'vlt-server.mjs')) };
if (flag('--before')) builds.before = flag('--before');
const runs = Number(flag('--runs', '11'));
const base = mkdtempSync(join(tmpdir(), 'vlt-bench-server-'));
// The defaults, but no request log; nothing of the caller's server settings.
const env = { ...process.env, VLT_LOG: 'off' };
for (const name of Object.keys(env)) if (name.startsWith('VLT_SERVER_')) delete env[name];

/** `vlt-server user add` on a fresh data directory: ms of the whole process. */
function userAdd(SERVER, i) {
  const data = join(base, `add-${i}`);
  const start = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    [SERVER, 'user', 'add', 'alice', '--password-stdin', '--data', data],
    { env, input: 'correct horse battery', encoding: 'utf8' },
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`vlt-server user add exited ${result.status}: ${result.stderr}`);
  return ms;
}

/** `vlt-server start --port 0` on a fresh data directory: ms from the spawn to the first 200 of /healthz. */
async function healthy(SERVER, i) {
  const data = join(base, `start-${i}`);
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [SERVER, 'start', '--port', '0', '--data', data], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/\S+?) /.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`vlt-server start exited ${code}: ${err}`)));
  });
  for (;;) {
    const response = await fetch(`${url}/healthz`).catch(() => undefined);
    if (response?.ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return ms;
}

// Warm the page cache before measuring.
for (const [name, SERVER] of Object.entries(builds)) {
  timed([SERVER, '--version'], { env });
  await healthy(SERVER, `warm-${name}`);
}
const node = [];
const times = Object.fromEntries(
  Object.keys(builds).map((name) => [name, { version: [], add: [], start: [] }]),
);
for (let i = 0; i < runs; i++) {
  node.push(timed(['-e', '0'], { env }));
  for (const [name, SERVER] of Object.entries(builds)) {
    times[name].version.push(timed([SERVER, '--version'], { env }));
    times[name].add.push(userAdd(SERVER, `${name}-${i}`));
    times[name].start.push(await healthy(SERVER, `${name}-${i}`));
  }
}
rmSync(base, { recursive: true, force: true });
const result = { runs, nodeMs: median(node) };
for (const [name, t] of Object.entries(times)) {
  result[name] = { versionMs: median(t.version), userAddMs: median(t.add), healthzMs: median(t.start) };
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`vlt-server start-up, median of ${runs} whole processes, alternating:`);
  console.log(`  node -e 0                                ${fmt(result.nodeMs)}`);
  for (const [name, r] of Object.entries(result).filter(([, r]) => typeof r === 'object')) {
    if (Object.keys(builds).length > 1) console.log(`  ${name}: ${builds[name]}`);
    console.log(`  vlt-server --version                     ${fmt(r.versionMs)}`);
    console.log(`  vlt-server user add (fresh SQLite)       ${fmt(r.userAddMs)}`);
    console.log(`  vlt-server start --port 0 → /healthz 200 ${fmt(r.healthzMs)}`);
  }
}
