// `vlt mcp` from the start of its process to its answer to `initialize` (what an agent waits for
// before it can call a tool), beside `node -e 0` and `vlt thread push --no-sync` in the same
// conditions, alternating, median of many runs; the time from stdin closing to its exit; and, through
// /usr/bin/time where there is one, the CPU time (user + system) of the whole `vlt mcp` process and
// of `node -e 0`, which a busy machine stretches less than wall time.
// Target: initialize answered within 300 ms of the start.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fmt, flag, median, scratchVault, timed, vlt, VLT } from './lib.mjs';

const runs = Number(flag('--runs', '21'));
const { cwd, env } = scratchVault();
vlt(['thread', 'new', 'bench-mcp', 'first entry', '--no-sync'], { cwd, env });

const INITIALIZE = `${JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
})}\n`;

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
/** User + system CPU ms from /usr/bin/time's last line (`cpu <user s> <system s>`). */
const cpuOf = (stderr) => {
  const match = /cpu (\d+\.\d+) (\d+\.\d+)\s*$/.exec(stderr);
  return match ? (Number(match[1]) + Number(match[2])) * 1000 : undefined;
};

/** The CPU ms of `node -e 0`, through /usr/bin/time. */
function nodeCpu() {
  const result = spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, '-e', '0'], { encoding: 'utf8' });
  return cpuOf(result.stderr);
}

/** One `vlt mcp` process: ms to the answer to `initialize`, then ms from closing stdin to its exit. */
function initialize() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const argv = [process.execPath, VLT, 'mcp'];
    const child = TIME
      ? spawn(TIME, ['-f', 'cpu %U %S', ...argv], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let answeredMs;
    let closedAt;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (answeredMs === undefined && out.includes('\n')) {
        answeredMs = Number(process.hrtime.bigint() - start) / 1e6;
        const answer = JSON.parse(out.split('\n')[0]);
        if (!answer.result?.serverInfo) reject(new Error(`not an initialize answer: ${out}`));
        closedAt = process.hrtime.bigint();
        child.stdin.end();
      }
    });
    child.on('exit', (code) => {
      if (answeredMs === undefined || code !== 0) reject(new Error(`vlt mcp exited ${code}: ${err}`));
      else
        resolve({ answeredMs, exitMs: Number(process.hrtime.bigint() - closedAt) / 1e6, cpuMs: cpuOf(err) });
    });
    child.stdin.write(INITIALIZE);
  });
}

// Warm the page cache before measuring.
await initialize();
const node = [];
const push = [];
const answered = [];
const exits = [];
const cpu = [];
const nodeCpus = [];
for (let i = 0; i < runs; i++) {
  node.push(timed(['-e', '0'], { cwd, env }));
  push.push(timed([VLT, 'thread', 'push', 'bench-mcp', `entry ${i}`, '--no-sync'], { cwd, env }));
  const run = await initialize();
  answered.push(run.answeredMs);
  exits.push(run.exitMs);
  if (TIME) {
    cpu.push(run.cpuMs);
    nodeCpus.push(nodeCpu());
  }
}
const result = {
  runs,
  nodeMs: median(node),
  pushMs: median(push),
  initializeMs: median(answered),
  exitMs: median(exits),
  ...(TIME ? { cpuMs: median(cpu), nodeCpuMs: median(nodeCpus) } : {}),
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`vlt mcp, median of ${runs} whole processes, alternating:`);
  console.log(`  node -e 0                  ${fmt(result.nodeMs)}`);
  console.log(`  vlt thread push --no-sync  ${fmt(result.pushMs)}`);
  console.log(`  vlt mcp: initialize        ${fmt(result.initializeMs)} (target <= 300 ms)`);
  console.log(`  vlt mcp: stdin closed→exit ${fmt(result.exitMs)}`);
  if (TIME)
    console.log(`  CPU time: vlt mcp (whole) ${fmt(result.cpuMs)}, node -e 0 ${fmt(result.nodeCpuMs)}`);
}
