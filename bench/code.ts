// `vlt code index` of this repository as whole processes: cold (a new vault each time: every file
// read, parsed and indexed), with nothing changed (every file's stat matches: nothing read), and
// `vlt code seek` on the index; medians, with `node -e 0` as the floor in the same run, and the
// peak resident memory of a cold index (through /usr/bin/time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../test/net-helpers.js';

const VLT = join(ROOT, 'dist', 'cli', 'vlt.mjs');

export interface CodeBench {
  files: number;
  chunks: number;
  bytes: number;
  runs: number;
  coldRuns: number;
  coldIndexMs: number;
  noChangeIndexMs: number;
  seekMs: number;
  coldPeakRssMb: number | null;
  nodeMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number) => Number(n.toFixed(1));

export function benchCode(runs: number): CodeBench {
  const base = mkdtempSync(join(tmpdir(), 'vlt-bench-code-'));
  try {
    let homes = 0;
    const envFor = (home: string): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = { ...process.env, VLT_HOME: home, VLT_NO_RETRIER: '1' };
      for (const key of ['VLT_SYNC_TOKEN', 'VLT_SERVER_URL', 'VLT_AUTHOR']) delete env[key];
      return env;
    };
    const run = (args: string[], home: string, wrap?: string[]) => {
      const start = process.hrtime.bigint();
      const command = wrap ?? [process.execPath];
      const result = spawnSync(
        command[0]!,
        [...command.slice(1), ...(wrap ? [process.execPath] : []), ...args],
        {
          cwd: ROOT,
          env: envFor(home),
          encoding: 'utf8',
        },
      );
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      return { ms, stdout: result.stdout, stderr: result.stderr };
    };
    const index = ['code', 'index', '.', '--project', 'bench', '--json'];
    const cold: number[] = [];
    const coldRuns = Math.min(runs, 5);
    let last: { files: number; bytes: number; local: { chunks: number } } | undefined;
    for (let i = 0; i < coldRuns; i++) {
      const home = join(base, `home-${homes++}`);
      const result = run([VLT, ...index], home);
      cold.push(result.ms);
      last = JSON.parse(result.stdout) as typeof last;
    }
    const rssHome = join(base, `home-${homes++}`);
    const timed = run([VLT, ...index], rssHome, ['/usr/bin/time', '-f', '%M']);
    const kb = Number(timed.stderr.trim().split('\n').at(-1));
    const home = join(base, `home-${homes++}`);
    run([VLT, ...index], home);
    // Files hashed in the second before the first index are read again once ("racy", as in git).
    run([VLT, ...index], home);
    const noChange: number[] = [];
    const seek: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(run(['-e', '0'], home).ms);
      const again = run([VLT, ...index], home);
      const report = JSON.parse(again.stdout) as { local: { added: string[]; changed: string[] } };
      if (report.local.added.length + report.local.changed.length > 0)
        throw new Error('the repository changed during the benchmark: run it again on a quiet tree');
      noChange.push(again.ms);
      seek.push(run([VLT, 'code', 'seek', 'retrier lock', '--project', 'bench'], home).ms);
    }
    return {
      files: last!.files,
      chunks: last!.local.chunks,
      bytes: last!.bytes,
      runs,
      coldRuns,
      coldIndexMs: round(median(cold)),
      noChangeIndexMs: round(median(noChange)),
      seekMs: round(median(seek)),
      coldPeakRssMb: Number.isFinite(kb) && kb > 0 ? round(kb / 1024) : null,
      nodeMs: round(median(node)),
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
