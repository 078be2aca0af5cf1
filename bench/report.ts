// `npm run bench`: the one benchmark report. Prints each figure and writes them all to
// bench/results.json; docs/performance.md is generated from that file (bench/readme.ts).
// Everything is whole processes or real HTTP against a real `vlt-server`, medians of several runs,
// each compared side by side, in the same run, with its floor.
//
//   node scripts/run-ts.mjs bench/report.ts [--runs N] [--large] [--quick] [--out FILE] [--no-readme]
//
// --large adds 1,000,000 entries to the growth rows (minutes; not in CI); --quick is a small smoke
// run (1,000 entries, 5 runs) that writes no docs/performance.md; --postgres-only measures the PostgreSQL rows
// again and keeps the rest; --mcp-only measures the `vlt mcp` row again and keeps the rest;
// --ingest-only [N] prints the server ingest figure alone (for profiling; nothing written), and with
// VLT_BENCH_SERVER_PROFILE=DIR the server's CPU profile goes to DIR; --drain-only prints the drain row alone
// (VLT_BENCH_CLI_PROFILE=DIR: the CLI's profiles); --tenants-only measures the tenants rows (100 users
// of 10,000 entries beside one alone; 1,000 users' tokens from 50 clients for a minute) and keeps the rest.
import Database from 'better-sqlite3';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThread, pushEntry } from '../src/cli/vault/append.js';
import { openData } from '../src/server/commands/open-data.js';
import { openVault } from '../src/cli/vault/open.js';
import type { AppRouter } from '../src/shared/router.js';
import { transformer } from '../src/shared/transformer.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { fixtureEntries, QUESTIONS } from '../eval/fixture.js';
import { newDataDir, ROOT, startServer, userWithToken, type RunningServer } from '../test/net-helpers.js';
import { databaseFor } from '../test/pg-helpers.js';
import { corpus, PROJECTS, RARE, SEARCHES, texts } from './corpus.js';
import { benchNotes } from './notes.js';
import { benchCode } from './code.js';
import { updateReadme, type BenchResults } from './readme.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const quick = flag('--quick');
const runs = Number(option('--runs', quick ? '5' : '21'));
const sizes = quick ? [1_000] : flag('--large') ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
const drainEntries = quick ? 1_000 : 10_000;
const out = option('--out', join(ROOT, 'bench', 'results.json'));
const VLT = join(ROOT, 'dist', 'cli', 'vlt.mjs');
const SERVER_ENV = {
  VLT_LIMIT_PUSH_PER_MINUTE: '100000000',
  VLT_LIMIT_SEARCH_PER_MINUTE: '100000000',
  VLT_LIMIT_ORACLE_PER_MINUTE: '100000000',
};
const log = (text: string) => process.stderr.write(`${text}\n`);

export const median = (values: number[]) => quantile(values, 0.5);
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (q === 0.5 && sorted.length % 2 === 0) {
    return (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

interface Box {
  home: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  vault: string;
}

/** A whole process: wall time in ms and its output; throws when it fails. */
function run(args: string[], box: Pick<Box, 'cwd' | 'env'>, expect?: RegExp) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: box.cwd, env: box.env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  if (expect && !expect.test(result.stdout)) {
    throw new Error(`${args.join(' ')} printed ${JSON.stringify(result.stdout)}, not ${expect}`);
  }
  return { ms, stdout: result.stdout };
}

/** Peak resident memory of one whole process, in MB, through /usr/bin/time. */
function peakRssMb(args: string[], box: Pick<Box, 'cwd' | 'env'>): number | null {
  return measured(args, box)?.peakRssMb ?? null;
}

/** One whole process through /usr/bin/time: its peak resident memory (MB) and CPU time (ms). */
function measured(args: string[], box: Pick<Box, 'cwd' | 'env'>) {
  const result = spawnSync('/usr/bin/time', ['-f', '%M %U %S', process.execPath, ...args], {
    cwd: box.cwd,
    env: box.env,
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0) return null;
  const [kb, user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  if (!Number.isFinite(kb) || !Number.isFinite(user) || !Number.isFinite(system)) return null;
  return { peakRssMb: round(kb! / 1024), cpuMs: Math.round((user! + system!) * 1000) };
}

/** CPU time (user and system) a running process has used so far, in ms, from /proc. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, the 14th and 15th fields, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function serverPeakRssMb(server: RunningServer): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return round(Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024);
}

function scratch(project: string, extra: NodeJS.ProcessEnv = {}): Box {
  const base = mkdtempSync(join(tmpdir(), 'vlt-bench-'));
  const home = join(base, 'home');
  const cwd = join(base, 'work');
  mkdirSync(cwd);
  const env: NodeJS.ProcessEnv = { ...process.env, VLT_HOME: home, VLT_NO_RETRIER: '1', ...extra };
  for (const key of ['VLT_SYNC_TOKEN', 'VLT_SERVER_URL', 'VLT_AUTHOR']) if (!(key in extra)) delete env[key];
  const box = { home, cwd, env, vault: join(home, 'vault.db') };
  run([VLT, 'init', '--project', project], box);
  return box;
}

const removeBox = (box: Box) => rmSync(join(box.home, '..'), { recursive: true, force: true });

/** A fresh server (or `instances` servers sharing the PostgreSQL database `databaseUrl`) and a user. */
async function serverWithUser(databaseUrl?: string, instances = 1) {
  const env: Record<string, string> = databaseUrl
    ? { ...SERVER_ENV, VLT_SERVER_DATABASE_URL: databaseUrl }
    : { ...SERVER_ENV };
  const dirs = Array.from({ length: instances }, () => newDataDir());
  const servers = await Promise.all(
    dirs.map((dir) =>
      startServer(
        dir,
        0,
        env,
        // VLT_BENCH_SERVER_PROFILE=DIR: the servers write CPU profiles there (node --cpu-prof).
        process.env.VLT_BENCH_SERVER_PROFILE
          ? ['sh', '-c', `exec "$0" --cpu-prof --cpu-prof-dir=${process.env.VLT_BENCH_SERVER_PROFILE} "$@"`]
          : [],
      ),
    ),
  );
  const token = userWithToken(dirs[0]!, 'bench', 'benchmark password', { ...process.env, ...env });
  const close = async () => {
    for (const server of servers) await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  /** Another account on the same server: a token of a new user. */
  const newUser = (username: string) =>
    userWithToken(dirs[0]!, username, 'benchmark password', { ...process.env, ...env });
  return { data: dirs[0]!, server: servers[0]!, servers, token, newUser, close };
}

const client = (url: string, token: string) =>
  createTRPCClient<AppRouter>({
    links: [
      // As the CLI and the web send them: at most 10 calls a request.
      httpBatchLink({
        url: `${url}/trpc`,
        transformer,
        maxItems: 10,
        headers: { authorization: `Bearer ${token}` },
      }),
    ],
  });

// ---- local push vs the floor ------------------------------------------------------------------
function benchPush() {
  log(`push: vlt thread push --no-sync vs the floor, ${runs} runs each`);
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'bench', 'push.mjs'), '--json', '--runs', String(runs)],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`bench/push.mjs: ${result.stderr}`);
  const r = JSON.parse(result.stdout) as { nodeMs: number; floorMs: number; pushMs: number; ratio: number };
  return {
    nodeMs: round(r.nodeMs),
    floorMs: round(r.floorMs),
    pushMs: round(r.pushMs),
    ratio: round(r.ratio, 2),
  };
}

// ---- vlt mcp: start to the answer to initialize ------------------------------------------------
function benchMcp() {
  log(`mcp: vlt mcp from its start to its answer to initialize, ${runs} runs`);
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'bench', 'mcp.mjs'), '--json', '--runs', String(runs)],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`bench/mcp.mjs: ${result.stderr}`);
  const r = JSON.parse(result.stdout) as NonNullable<BenchResults['mcp']>;
  return {
    runs: r.runs,
    nodeMs: round(r.nodeMs),
    pushMs: round(r.pushMs),
    initializeMs: round(r.initializeMs),
    exitMs: round(r.exitMs),
    ...(r.cpuMs === undefined ? {} : { cpuMs: round(r.cpuMs), nodeCpuMs: round(r.nodeCpuMs ?? 0) }),
  };
}

// ---- push with sync vs its floor --------------------------------------------------------------
async function benchPushSync() {
  log(`push with sync: vlt thread push vs the sync floor against a live server, ${runs} runs each`);
  const world = await serverWithUser();
  const box = scratch('bench', { VLT_SERVER_URL: world.server.url, VLT_SYNC_TOKEN: world.token });
  try {
    run([VLT, 'thread', 'new', 'bench-sync', 'first entry'], box, /\nsynced\n$/);
    const db = new Database(box.vault);
    db.exec('CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, content TEXT NOT NULL)');
    db.close();
    const floorScript = join(ROOT, 'bench', 'floor-sync.mjs');
    const floor = (seq: number) =>
      run([floorScript, box.vault, world.server.url, world.token, String(seq)], box);
    const push = (i: number) =>
      run([VLT, 'thread', 'push', 'bench-sync', `entry ${i} of the sync benchmark`], box, /\nsynced\n$/);
    floor(0);
    push(-1);
    const node: number[] = [];
    const floors: number[] = [];
    const pushes: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(run(['-e', '0'], box).ms);
      floors.push(floor(i + 1).ms);
      pushes.push(push(i).ms);
    }
    const result = {
      nodeMs: round(median(node)),
      floorMs: round(median(floors)),
      pushMs: round(median(pushes)),
      ratio: 0,
      cliPeakRssMb: peakRssMb([VLT, 'thread', 'push', 'bench-sync', 'measured for memory'], box),
      serverPeakRssMb: serverPeakRssMb(world.server),
    };
    result.ratio = round(result.pushMs / result.floorMs, 2);
    return result;
  } finally {
    removeBox(box);
    await world.close();
  }
}

// ---- drain of a queue of 10,000 entries -------------------------------------------------------
async function benchDrain() {
  const threads = 10;
  const template = scratch('drain');
  const db = openVault(template.vault, { create: true })!;
  const queued = corpus(drainEntries, 5);
  queued.forEach((content, i) => {
    const input = { project: 'drain', slug: `queue-${i % threads}`, content, author: 'bench', server: null };
    if (i < threads) createThread(db, { ...input, projectName: 'drain' });
    else pushEntry(db, input);
  });
  db.close();
  const drainRuns = quick ? 1 : 3;
  log(`drain: vlt sync retry of ${drainEntries} queued entries in ${threads} threads, ${drainRuns} runs`);
  const seconds: number[] = [];
  let cliPeakRssMb: number | null = null;
  let cpu: { cliMs: number; serverMs: number } | null = null;
  try {
    for (let r = 0; r < drainRuns + 1; r++) {
      const world = await serverWithUser();
      const home = mkdtempSync(join(tmpdir(), 'vlt-bench-drain-'));
      cpSync(template.home, home, { recursive: true });
      const box = {
        cwd: template.cwd,
        env: {
          ...template.env,
          VLT_HOME: home,
          VLT_SERVER_URL: world.server.url,
          VLT_SYNC_TOKEN: world.token,
        },
      };
      const expect = new RegExp(`^sent ${drainEntries} entries from ${threads} threads`);
      // The last run is under /usr/bin/time, for the CLI's peak memory and CPU time (and the
      // server's CPU time over it, from /proc), and is not timed.
      if (r === drainRuns) {
        const serverBefore = cpuMsOf(world.server.child.pid!);
        const cli = measured([VLT, 'sync', 'retry'], box);
        cliPeakRssMb = cli?.peakRssMb ?? null;
        if (cli) cpu = { cliMs: cli.cpuMs, serverMs: cpuMsOf(world.server.child.pid!) - serverBefore };
      } else
        seconds.push(
          run(
            [
              ...(process.env.VLT_BENCH_CLI_PROFILE
                ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.VLT_BENCH_CLI_PROFILE}`]
                : []),
              VLT,
              'sync',
              'retry',
            ],
            box,
            expect,
          ).ms / 1000,
        );
      rmSync(home, { recursive: true, force: true });
      await world.close();
    }
  } finally {
    removeBox(template);
  }
  const s = median(seconds);
  return {
    entries: drainEntries,
    threads,
    runs: drainRuns,
    seconds: round(s, 2),
    entriesPerSecond: Math.round(drainEntries / s),
    cliPeakRssMb,
    ...(cpu ? { cliCpuMs: cpu.cliMs, serverCpuMs: cpu.serverMs } : {}),
  };
}

// ---- growth: the server and the CLI at 10k, 100k (and 1M) entries -----------------------------

/** Pushes `list` through `threads.push` from 4 clients in batches of 100; seconds taken. */
async function ingest(
  world: Awaited<ReturnType<typeof serverWithUser>>,
  size: number,
  list: string[],
  token = world.token,
  progress = true,
) {
  const threadCount = Math.max(10, Math.round(size / 500));
  const clients = 4;
  const perThread = Math.ceil(size / threadCount);
  const started = process.hrtime.bigint();
  let sent = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      // Clients spread over the instances, as behind a load balancer.
      const api = client(world.servers[c % world.servers.length]!.url, token);
      for (let t = c; t < threadCount; t += clients) {
        const slice = list.slice(t * perThread, (t + 1) * perThread);
        for (let offset = 0; offset < slice.length; offset += 100) {
          await api.threads.push.mutate({
            projectId: PROJECTS[t % PROJECTS.length]!,
            threadId: `thread-${t}`,
            createdAt: new Date(Date.UTC(2026, 0, 1)),
            entries: slice.slice(offset, offset + 100).map((content, i) => ({
              entryId: uuidv7(),
              sequenceId: offset + i,
              content,
              author: 'bench',
              timestamp: new Date(Date.UTC(2026, 0, 1) + (offset + i) * 1000),
            })),
          });
          sent += Math.min(100, slice.length - offset);
          if (progress && sent % 10_000 < 100) process.stderr.write(`\r  server ingest: ${sent}/${size}`);
        }
      }
    }),
  );
  if (progress) process.stderr.write('\n');
  return { clients, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

// ---- tenants: many users on one server ----------------------------------------------------------
const TENANTS = quick ? 5 : 100;
const TENANT_ENTRIES = quick ? 1_000 : 10_000;
const CROWD_USERS = quick ? 50 : 1_000;
const CROWD_CLIENTS = quick ? 10 : 50;
const CROWD_SECONDS = quick ? 5 : 60;

/** `count` users made in the server's data directory (as `vlt-server user add` does), a token each. */
async function tokensIn(data: string, count: number, prefix: string): Promise<string[]> {
  const deps = await openData(data, undefined, { ...process.env, ...SERVER_ENV }, process.stderr);
  const tokens: string[] = [];
  try {
    // Eight at a time: scrypt runs on libuv's threads.
    for (let i = 0; i < count; i += 8) {
      const made = await Promise.all(
        Array.from({ length: Math.min(8, count - i) }, async (_, j) => {
          const user = await deps.accounts.signup(`${prefix}${i + j}`, 'benchmark password');
          return (await deps.accounts.createToken(user.id, 'bench')).token;
        }),
      );
      tokens.push(...made);
      process.stderr.write(`\r  accounts: ${tokens.length}/${count}`);
    }
  } finally {
    await deps.db.close();
  }
  process.stderr.write('\n');
  return tokens;
}

const timeMs = async (call: () => Promise<unknown>) => {
  const t0 = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

/** Search and Oracle latency of the users behind `tokens`, the calls shared out among them. */
async function queryLatencies(url: string, tokens: string[], calls: number) {
  const apis = tokens.map((token) => client(url, token));
  for (const [i, api] of apis.entries()) {
    await api.threads.search.query({ ...SEARCHES[i % SEARCHES.length]!, limit: 10 });
    await api.oracle.ask.mutate({ question: QUESTIONS[i % QUESTIONS.length]!.question });
  }
  const search: number[] = [];
  const oracle: number[] = [];
  for (let i = 0; i < calls; i++) {
    const api = apis[i % apis.length]!;
    search.push(
      await timeMs(() => api.threads.search.query({ ...SEARCHES[i % SEARCHES.length]!, limit: 10 })),
    );
  }
  for (let i = 0; i < calls; i++) {
    const api = apis[i % apis.length]!;
    oracle.push(
      await timeMs(() => api.oracle.ask.mutate({ question: QUESTIONS[i % QUESTIONS.length]!.question })),
    );
  }
  return {
    calls,
    searchP50Ms: round(quantile(search, 0.5)),
    searchP95Ms: round(quantile(search, 0.95)),
    oracleP50Ms: round(quantile(oracle, 0.5)),
    oracleP95Ms: round(quantile(oracle, 0.95)),
  };
}

const spread = (values: number[]) => ({
  calls: values.length,
  p50Ms: round(quantile(values, 0.5)),
  p95Ms: round(quantile(values, 0.95)),
  p99Ms: round(quantile(values, 0.99)),
});

/**
 * TENANTS users of TENANT_ENTRIES entries each on one server, beside one user of as many entries
 * alone on a server (the floor): a user's search and Oracle latency should be the floor's. Then
 * CROWD_USERS users' tokens used at once by CROWD_CLIENTS clients for CROWD_SECONDS seconds,
 * pushing and searching in turn: p50/p95/p99 of each, and the errors (there should be none).
 */
async function benchTenants() {
  const calls = quick ? 30 : 120;
  log(`tenants: one user of ${TENANT_ENTRIES} entries alone, then ${TENANTS} such users on one server`);
  const alone = await serverWithUser();
  let floor;
  try {
    await ingest(alone, TENANT_ENTRIES, texts(TENANT_ENTRIES), alone.token, false);
    floor = await queryLatencies(alone.server.url, [alone.token], calls);
  } finally {
    await alone.close();
  }
  log(`  alone: search p95 ${floor.searchP95Ms} ms, oracle p95 ${floor.oracleP95Ms} ms`);
  const shared = await serverWithUser();
  let together;
  let ingestSeconds = 0;
  try {
    const tokens = [shared.token, ...(await tokensIn(shared.data, TENANTS - 1, 'tenant'))];
    for (const [u, token] of tokens.entries()) {
      ingestSeconds += (await ingest(shared, TENANT_ENTRIES, corpus(TENANT_ENTRIES, 100 + u), token, false))
        .seconds;
      process.stderr.write(`\r  ingest: ${u + 1}/${tokens.length} users`);
    }
    process.stderr.write('\n');
    // Five users across the server, the first and last made among them.
    const asking = [0, 0.25, 0.5, 0.75, 1].map((f) => tokens[Math.round(f * (tokens.length - 1))]!);
    together = await queryLatencies(shared.server.url, asking, calls);
  } finally {
    await shared.close();
  }
  log(`  ${TENANTS} users: search p95 ${together.searchP95Ms} ms, oracle p95 ${together.oracleP95Ms} ms`);
  const crowd = await benchCrowd();
  return {
    users: TENANTS,
    entriesPerUser: TENANT_ENTRIES,
    ingestPerSecond: Math.round((TENANTS * TENANT_ENTRIES) / ingestSeconds),
    alone: floor,
    together,
    crowd,
  };
}

async function benchCrowd() {
  log(`crowd: ${CROWD_USERS} users' tokens used by ${CROWD_CLIENTS} clients at once for ${CROWD_SECONDS} s`);
  const world = await serverWithUser();
  try {
    const tokens = await tokensIn(world.data, CROWD_USERS, 'crowd');
    const apis = tokens.map((token) => client(world.server.url, token));
    const words = corpus(2_000, 41);
    // Each user has a thread to find something in.
    for (const [u, api] of apis.entries()) {
      await api.threads.push.mutate({
        projectId: PROJECTS[u % PROJECTS.length]!,
        threadId: 'notes',
        createdAt: new Date(),
        entries: Array.from({ length: 20 }, (_, i) => ({
          entryId: uuidv7(),
          sequenceId: i,
          content: words[(u * 20 + i) % words.length]!,
          author: 'bench',
          timestamp: new Date(),
        })),
      });
    }
    const push: number[] = [];
    const search: number[] = [];
    const errors: string[] = [];
    // Client c alone writes thread agent-c of each user: its sequence numbers are its own to count.
    const next = new Map<string, number>();
    const deadline = Date.now() + CROWD_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CROWD_CLIENTS }, async (_, c) => {
        for (let i = 0; Date.now() < deadline; i++) {
          const u = (c * 7919 + i * 104_729) % apis.length;
          const api = apis[u]!;
          try {
            if (i % 2 === 0) {
              const key = `${c}:${u}`;
              const seq = next.get(key) ?? 0;
              push.push(
                await timeMs(() =>
                  api.threads.push.mutate({
                    projectId: PROJECTS[u % PROJECTS.length]!,
                    threadId: `agent-${c}`,
                    createdAt: new Date(),
                    entries: [
                      {
                        entryId: uuidv7(),
                        sequenceId: seq,
                        content: words[(c + i) % words.length]!,
                        author: 'bench',
                        timestamp: new Date(),
                      },
                    ],
                  }),
                ),
              );
              next.set(key, seq + 1);
            } else {
              search.push(
                await timeMs(() =>
                  api.threads.search.query({ ...SEARCHES[i % SEARCHES.length]!, limit: 10 }),
                ),
              );
            }
          } catch (error) {
            errors.push((error as Error).message);
          }
        }
      }),
    );
    const result = {
      users: CROWD_USERS,
      clients: CROWD_CLIENTS,
      seconds: CROWD_SECONDS,
      push: spread(push),
      search: spread(search),
      errors: errors.length,
      firstError: errors[0] ?? null,
      serverPeakRssMb: serverPeakRssMb(world.server),
    };
    log(
      `  push p50/p95/p99 ${result.push.p50Ms}/${result.push.p95Ms}/${result.push.p99Ms} ms (${result.push.calls}); search ${result.search.p50Ms}/${result.search.p95Ms}/${result.search.p99Ms} ms (${result.search.calls}); ${result.errors} errors`,
    );
    return result;
  } finally {
    await world.close();
  }
}

async function serverAt(size: number, list: string[], databaseUrl?: string, instances = 1) {
  const world = await serverWithUser(databaseUrl, instances);
  const { clients, seconds: ingestSeconds } = await ingest(world, size, list);
  // The Oracle's planted facts, so that its questions have answers among the noise.
  const api = client(world.server.url, world.token);
  const planted = fixtureEntries().filter((e) => e.key);
  for (const [i, entry] of planted.entries()) {
    await api.threads.push.mutate({
      projectId: entry.project,
      threadId: `${entry.thread}-${i}`,
      createdAt: new Date(),
      entries: [
        { entryId: uuidv7(), sequenceId: 0, content: entry.content, author: 'bench', timestamp: new Date() },
      ],
    });
  }
  const time = async (call: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await call();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const calls = quick ? 30 : 120;
  const search: number[] = [];
  const oracle: number[] = [];
  for (let i = 0; i < 6; i++)
    await api.threads.search.query({ ...SEARCHES[i % SEARCHES.length]!, limit: 10 });
  for (let i = 0; i < calls; i++) {
    search.push(await time(() => api.threads.search.query({ ...SEARCHES[i % SEARCHES.length]!, limit: 10 })));
  }
  for (let i = 0; i < 6; i++) await api.oracle.ask.mutate({ question: QUESTIONS[i]!.question });
  for (let i = 0; i < calls; i++) {
    oracle.push(
      await time(() => api.oracle.ask.mutate({ question: QUESTIONS[i % QUESTIONS.length]!.question })),
    );
  }
  const result = {
    instances,
    ingestClients: clients,
    ingestSeconds: round(ingestSeconds, 2),
    ingestPerSecond: Math.round(size / ingestSeconds),
    searchCalls: calls,
    searchP50Ms: round(quantile(search, 0.5)),
    searchP95Ms: round(quantile(search, 0.95)),
    oracleP50Ms: round(quantile(oracle, 0.5)),
    oracleP95Ms: round(quantile(oracle, 0.95)),
    serverPeakRssMb: serverPeakRssMb(world.server),
    emptyAccount: await emptyAccountCost(world),
  };
  await world.close();
  return result;
}

/**
 * What a query from an account with no entries costs on a server holding `size` entries of another
 * user: the worst query shapes (16 three-letter prefixes, and the hardening issue's one-character
 * prefixes, now exact words), by search and by the Oracle; and /healthz while ten such requests
 * (each a batch of ten) run at once, side by side with /healthz idle.
 */
async function emptyAccountCost(world: Awaited<ReturnType<typeof serverWithUser>>) {
  const api = client(world.server.url, world.newUser(`empty${Date.now() % 100000}`));
  const prefixes = 'con pro com per res pre dis sta tra int rep ret ser sub cha for';
  const worst = [
    prefixes
      .split(' ')
      .map((p) => `${p}*`)
      .join(' '),
    'abcdefghijklmnopqrstuvwxyz0123456789'
      .split('')
      .map((c) => `${c}*`)
      .join(' '),
  ];
  const time = async (call: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await call();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const calls = quick ? 20 : 100;
  const search: number[] = [];
  const oracle: number[] = [];
  for (let i = 0; i < calls; i++) {
    search.push(await time(() => api.threads.search.query({ query: worst[i % 2]!, limit: 10 })));
    oracle.push(await time(() => api.oracle.ask.mutate({ question: worst[i % 2]! })));
  }
  const healthz = () => time(() => fetch(`${world.server.url}/healthz`).then((r) => r.text()));
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) idle.push(await healthz());
  const underLoad: number[] = [];
  let running = true;
  // A hundred searches at once: the batch link sends them as ten requests of ten.
  const load = Promise.all(
    Array.from({ length: 100 }, (_, j) => api.threads.search.query({ query: worst[j % 2]!, limit: 10 })),
  ).finally(() => (running = false));
  load.catch(() => undefined);
  while (running) underLoad.push(await healthz());
  await load;
  return {
    calls,
    searchP95Ms: round(quantile(search, 0.95)),
    oracleP95Ms: round(quantile(oracle, 0.95)),
    healthzIdleMs: round(median(idle)),
    healthzUnderLoadMaxMs: round(Math.max(...underLoad)),
  };
}

function vaultAt(size: number, list: string[]) {
  const box = scratch('bench');
  run([VLT, 'thread', 'new', 'bench-push', 'first entry', '--no-sync'], box);
  const db = new Database(box.vault);
  const insertThread = db.prepare(
    "INSERT INTO threads (project_id, slug, last_seq, updated_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
  );
  const insertEntry = db.prepare(
    'INSERT INTO entries (id, thread_pk, seq, content, author, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const planted = fixtureEntries().filter((e) => e.key);
  for (const project of new Set([...PROJECTS, ...planted.map((e) => e.project)])) {
    db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(project, project);
  }
  const threadCount = Math.max(10, Math.round(size / 500));
  const perThread = Math.ceil(size / threadCount);
  db.transaction(() => {
    for (let t = 0; t < threadCount; t++) {
      const slice = list.slice(t * perThread, (t + 1) * perThread);
      const { lastInsertRowid } = insertThread.run(
        PROJECTS[t % PROJECTS.length],
        `thread-${t}`,
        slice.length - 1,
      );
      slice.forEach((content, seq) =>
        insertEntry.run(
          uuidv7(),
          lastInsertRowid,
          seq,
          content,
          'bench',
          new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
        ),
      );
    }
    planted.forEach((entry, i) => {
      const { lastInsertRowid } = insertThread.run(entry.project, `${entry.thread}-${i}`, 0);
      insertEntry.run(uuidv7(), lastInsertRowid, 0, entry.content, 'bench', new Date().toISOString());
    });
  })();
  db.close();
  const push = (i: number) => run([VLT, 'thread', 'push', 'bench-push', `entry ${i}`, '--no-sync'], box);
  const seek = (query: string, ...extra: string[]) => [VLT, 'thread', 'seek', query, '--json', ...extra];
  const ask = (i: number) => [VLT, 'oracle', QUESTIONS[i % QUESTIONS.length]!.question, '--local', '--json'];
  run(seek('token cache'), box);
  run(ask(0), box);
  const pushes: number[] = [];
  const rare: number[] = [];
  const common: number[] = [];
  const scoped: number[] = [];
  const oracle: number[] = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`\r  vault: run ${i + 1}/${runs}`);
    pushes.push(push(i).ms);
    rare.push(run(seek(RARE), box).ms);
    common.push(run(seek('token cache'), box).ms);
    scoped.push(run(seek('deploy retry', '--project', 'infra'), box).ms);
    oracle.push(run(ask(i), box).ms);
  }
  process.stderr.write('\n');
  const result = {
    pushMs: round(median(pushes)),
    seekRareMs: round(median(rare)),
    seekCommonMs: round(median(common)),
    seekProjectMs: round(median(scoped)),
    oracleLocalMs: round(median(oracle)),
    seekRatio: 0,
    oracleRatio: 0,
    seekPeakRssMb: peakRssMb(seek('token cache'), box),
    oraclePeakRssMb: peakRssMb(ask(1), box),
    pushPeakRssMb: peakRssMb([VLT, 'thread', 'push', 'bench-push', 'memory', '--no-sync'], box),
  };
  result.seekRatio = round(
    Math.max(result.seekRareMs, result.seekCommonMs, result.seekProjectMs) / result.pushMs,
    2,
  );
  result.oracleRatio = round(result.oracleLocalMs / result.pushMs, 2);
  removeBox(box);
  return result;
}

/**
 * PostgreSQL rows: the server on a throwaway cluster (scripts/pg-cluster.sh, Debian's binaries),
 * ingest through one instance and through two sharing the database, search and Oracle p50/p95.
 */
async function benchPostgres(size: number) {
  if (!existsSync('/usr/lib/postgresql') || flag('--no-postgres')) {
    log('postgres: skipped (no PostgreSQL binaries in /usr/lib/postgresql, or --no-postgres)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vlt-bench-pg-'));
  const script = join(ROOT, 'scripts', 'pg-cluster.sh');
  const url = execFileSync('bash', [script, 'start', dir, option('--pg-port', '55434')], {
    encoding: 'utf8',
  }).trim();
  try {
    const list = texts(size);
    const rows = [];
    for (const instances of [1, 2]) {
      log(`postgres: ${size} entries through ${instances} instance${instances > 1 ? 's' : ''}`);
      const databaseUrl = await databaseFor(url, `vlt_bench_${instances}`);
      const server = await serverAt(size, list, databaseUrl, instances);
      log(
        `  ingest ${server.ingestPerSecond}/s; search p50 ${server.searchP50Ms} p95 ${server.searchP95Ms} ms; oracle p50 ${server.oracleP50Ms} p95 ${server.oracleP95Ms} ms`,
      );
      rows.push({ entries: size, server });
    }
    return rows;
  } finally {
    execFileSync('bash', [script, 'stop', dir]);
  }
}

/** `--postgres-only`: measures the PostgreSQL rows again and keeps the rest of bench/results.json. */
async function postgresOnly() {
  const previous = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
  const postgres = await benchPostgres(100_000);
  const results = {
    ...previous,
    postgres,
    postgresCommand: 'npm run bench -- --postgres-only',
    postgresAt: new Date().toISOString(),
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const readme = join(ROOT, 'docs', 'performance.md');
  writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), results));
  log(`updated the PostgreSQL rows of ${out} and docs/performance.md`);
}

/** `--notes-only`: measures the notes rows again and keeps the rest of bench/results.json. */
async function notesOnly() {
  log(`notes: vlt notes sync of 1,000 notes of 10 KB against a live server, ${runs} runs`);
  const notes = await benchNotes(runs);
  log(
    `  first sync ${notes.firstSyncMs} ms; no change ${notes.noChangeSyncMs} ms (index ${notes.noChangeIndexMs} ms); one edit ${notes.oneEditSyncMs} ms`,
  );
  const previous = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
  const results = {
    ...previous,
    notes,
    notesCommand: `npm run bench -- ${argv.join(' ')}`,
    notesAt: new Date().toISOString(),
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  if (!flag('--no-readme')) {
    const readme = join(ROOT, 'docs', 'performance.md');
    writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), results));
    log(`updated the notes rows of ${out} and docs/performance.md`);
  }
  console.log(JSON.stringify(notes, null, 2));
}

/** `--code-only`: measures the code index rows again and keeps the rest of bench/results.json. */
function codeOnly() {
  log(`code: vlt code index of this repository, ${runs} runs`);
  const code = benchCode(runs);
  log(
    `  ${code.files} files: cold ${code.coldIndexMs} ms (peak ${code.coldPeakRssMb} MB); no change ${code.noChangeIndexMs} ms; seek ${code.seekMs} ms (node -e 0 ${code.nodeMs} ms)`,
  );
  const previous = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
  const results = {
    ...previous,
    code,
    codeCommand: `npm run bench -- ${argv.join(' ')}`,
    codeAt: new Date().toISOString(),
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  if (!flag('--no-readme')) {
    const readme = join(ROOT, 'docs', 'performance.md');
    writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), results));
    log(`updated the code rows of ${out} and docs/performance.md`);
  }
  console.log(JSON.stringify(code, null, 2));
}

/** `--mcp-only`: measures the `vlt mcp` row again and keeps the rest of bench/results.json. */
function mcpOnly() {
  const previous = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
  const mcp = benchMcp();
  log(`  initialize answered in ${mcp.initializeMs} ms (node -e 0 ${mcp.nodeMs} ms)`);
  const results = {
    ...previous,
    mcp,
    mcpCommand: 'npm run bench -- --mcp-only',
    mcpAt: new Date().toISOString(),
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const readme = join(ROOT, 'docs', 'performance.md');
  writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), results));
  log(`updated the vlt mcp row of ${out} and docs/performance.md`);
}

/** `--ingest-only [N]`: the server ingest row alone (SQLite, N entries, default 100,000), printed, not kept. */
async function ingestOnly() {
  const size = Number(option('--ingest-only', '100000')) || 100_000;
  const world = await serverWithUser();
  try {
    const { seconds } = await ingest(world, size, texts(size));
    console.log(
      `server ingest: ${size} entries in ${round(seconds, 2)} s: ${Math.round(size / seconds)} entries/s`,
    );
  } finally {
    await world.close();
  }
}

/** `--tenants-only`: measures the tenants rows again and keeps the rest of bench/results.json. */
async function tenantsOnly() {
  const previous = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
  const tenants = await benchTenants();
  const results = {
    ...previous,
    tenants,
    tenantsCommand: `npm run bench -- ${argv.join(' ')}`,
    tenantsAt: new Date().toISOString(),
  };
  if (quick) {
    console.log(JSON.stringify(tenants, null, 2));
    return;
  }
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const readme = join(ROOT, 'docs', 'performance.md');
  writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), results));
  log(`updated the tenants rows of ${out} and docs/performance.md`);
}

/** `--drain-only`: the drain row alone, printed, not kept. */
async function drainOnly() {
  const drain = await benchDrain();
  console.log(
    `drain: ${drain.entries} entries in ${drain.threads} threads in ${drain.seconds} s (median of ${drain.runs}); CPU of one more: CLI ${drain.cliCpuMs ?? '?'} ms, server ${drain.serverCpuMs ?? '?'} ms`,
  );
}

async function main() {
  if (flag('--ingest-only')) return ingestOnly();
  if (flag('--drain-only')) return drainOnly();
  if (flag('--tenants-only')) return tenantsOnly();
  if (flag('--postgres-only')) return postgresOnly();
  if (flag('--notes-only')) return notesOnly();
  if (flag('--mcp-only')) return mcpOnly();
  if (flag('--code-only')) return codeOnly();
  const started = Date.now();
  const push = benchPush();
  log(`  floor ${push.floorMs} ms, push ${push.pushMs} ms: ${push.ratio}x`);
  const mcp = benchMcp();
  log(`  initialize answered in ${mcp.initializeMs} ms (node -e 0 ${mcp.nodeMs} ms)`);
  const pushSync = await benchPushSync();
  log(`  floor ${pushSync.floorMs} ms, push ${pushSync.pushMs} ms: ${pushSync.ratio}x`);
  const drain = await benchDrain();
  log(
    `  ${drain.seconds} s, ${drain.entriesPerSecond} entries/s; CPU of one more: CLI ${drain.cliCpuMs ?? '?'} ms, server ${drain.serverCpuMs ?? '?'} ms`,
  );
  const growth = [];
  for (const size of sizes) {
    log(`growth: ${size} entries`);
    const list = texts(size);
    const server = await serverAt(size, list);
    log(
      `  ingest ${server.ingestPerSecond}/s; search p50 ${server.searchP50Ms} p95 ${server.searchP95Ms} ms; oracle p50 ${server.oracleP50Ms} p95 ${server.oracleP95Ms} ms; server peak ${server.serverPeakRssMb} MB`,
    );
    const cli = vaultAt(size, list);
    log(
      `  push ${cli.pushMs} ms; seek ${cli.seekRareMs}/${cli.seekCommonMs}/${cli.seekProjectMs} ms (${cli.seekRatio}x); oracle --local ${cli.oracleLocalMs} ms (${cli.oracleRatio}x)`,
    );
    growth.push({ entries: size, server, cli });
  }
  log(`notes: vlt notes sync of 1,000 notes of 10 KB against a live server, ${runs} runs`);
  const notes = await benchNotes(runs);
  log(`  first sync ${notes.firstSyncMs} ms; no change ${notes.noChangeSyncMs} ms`);
  log(`code: vlt code index of this repository, ${runs} runs`);
  const code = benchCode(quick ? 3 : runs);
  log(`  cold ${code.coldIndexMs} ms; no change ${code.noChangeIndexMs} ms`);
  const postgres = await benchPostgres(quick ? 1_000 : 100_000);
  // The tenants rows with --large (minutes); otherwise those of the last run that measured them.
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as BenchResults) : undefined;
  const tenants = flag('--large')
    ? { tenants: await benchTenants(), tenantsCommand: undefined, tenantsAt: undefined }
    : {
        tenants: previous?.tenants,
        tenantsCommand: previous?.tenantsCommand ?? (previous?.tenants ? previous.command : undefined),
        tenantsAt: previous?.tenantsAt ?? (previous?.tenants ? previous.generatedAt : undefined),
      };
  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
    runs,
    seconds: Math.round((Date.now() - started) / 1000),
    push,
    pushSync,
    mcp,
    drain,
    growth,
    notes,
    code,
    postgres,
    ...tenants,
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out} in ${results.seconds} s`);
  if (!quick && !flag('--no-readme')) {
    const readme = join(ROOT, 'docs', 'performance.md');
    writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), results));
    log('updated docs/performance.md');
  }
  console.log(JSON.stringify(results, null, 2));
}

await main();
