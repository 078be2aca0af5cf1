// Test helpers: scratch VLT_HOMEs and the real `vlt` process, or the CLI in-process with captured streams.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../src/cli/cli.js';

export const VLT_BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'vlt.mjs');

export interface Sandbox {
  base: string;
  home: string;
  cwd: string;
  env: Record<string, string | undefined>;
  cleanup(): void;
}

/** A temporary VLT_HOME and working directory, with no vlt settings inherited from the machine. */
export function sandbox(): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'vlt-test-'));
  const home = join(base, 'home');
  const cwd = join(base, 'work');
  mkdirSync(cwd);
  const env: Record<string, string | undefined> = { ...process.env, VLT_HOME: home };
  for (const key of ['VLT_SERVER_URL', 'VLT_SYNC_TOKEN', 'VLT_AUTHOR', 'VLT_DEBUG']) delete env[key];
  return { base, home, cwd, env, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `vlt` bundle as a child process. */
export function vlt(box: Pick<Sandbox, 'cwd' | 'env'>, args: string[], input?: string | Buffer): Result {
  const result = spawnSync(process.execPath, [VLT_BIN, ...args], {
    cwd: box.cwd,
    env: box.env,
    input: input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `vlt` without waiting, for concurrency and kill tests. */
export function vltAsync(box: Pick<Sandbox, 'cwd' | 'env'>, args: string[]) {
  const child = spawn(process.execPath, [VLT_BIN, ...args], { cwd: box.cwd, env: box.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr })),
  );
  return { child, done, output: () => stdout };
}

/**
 * Runs the CLI in this process with a captured context (stdin from `input`). With `entry` (the
 * bundle, `VLT_BIN`), a sync that fails leaves the real detached retrier, as `vlt` does; without
 * it, none.
 */
export async function vltInProcess(
  box: Pick<Sandbox, 'cwd' | 'env'>,
  args: string[],
  input = '',
  { entry }: { entry?: string } = {},
): Promise<Result> {
  const stdin = new PassThrough();
  stdin.end(input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(args, {
    stdin,
    stdout,
    stderr,
    env: box.env,
    colorDepth: 1,
    cwd: box.cwd,
    ...(entry ? { entry } : {}),
  });
  return { code, stdout: out, stderr: err };
}

/** Asserts the shape of a user error: one line on stderr, nothing on stdout, no stack trace. */
export function isOneLineError(result: Result): boolean {
  const lines = result.stderr.trimEnd().split('\n');
  return (
    result.code !== 0 &&
    lines.length === 1 &&
    lines[0]!.startsWith('vlt: ') &&
    !/\n\s+at /.test(result.stderr) &&
    result.stdout === ''
  );
}
