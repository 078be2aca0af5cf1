// Helpers shared by the benchmarks: whole-process timing, medians, a scratch vault.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VLT = join(ROOT, 'dist', 'cli', 'vlt.mjs');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a whole process and returns its wall time in ms; throws if it fails. */
export function timed(args, { cwd, env }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return ms;
}

/** A fresh VLT_HOME and project directory with `vlt init` done. */
export function scratchVault(project = 'bench') {
  const base = mkdtempSync(join(tmpdir(), 'vlt-bench-'));
  const home = join(base, 'home');
  const cwd = join(base, 'project');
  mkdirSync(cwd);
  const env = { ...process.env, VLT_HOME: home };
  delete env.VLT_SYNC_TOKEN;
  vlt(['init', '--project', project], { cwd, env });
  return { base, home, cwd, env, vault: join(home, 'vault.db') };
}

export function vlt(args, { cwd, env }) {
  const result = spawnSync(process.execPath, [VLT, ...args], { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vlt ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

export const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
