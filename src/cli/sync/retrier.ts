// The detached background retrier: at most one per VLT_HOME (a lock file holding its pid). It
// retries with backoff until the outbox is empty, then exits; it gives up after an hour, and the
// next command that meets a failed sync starts it again.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { vltHome, type Env } from '../settings.js';

export const RETRIER_GIVE_UP_MS = 60 * 60 * 1000;
/** The longest pause between two attempts: entries arrive within this of the server's return. */
export const RETRIER_MAX_PAUSE_MS = 20_000;

const lockPath = (env: Env) => join(vltHome(env), 'retrier.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running retrier's pid, if one is running. */
export function retrierPid(env: Env): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath(env), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock for this process; false if another live retrier holds it. */
export function takeRetrierLock(env: Env): boolean {
  // The command that started this retrier wrote its pid already (see startRetrier).
  try {
    if (Number(readFileSync(lockPath(env), 'utf8').trim()) === process.pid) return true;
  } catch {
    // No lock yet: take it below.
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath(env), 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      if (retrierPid(env) !== undefined) return false;
      // A stale lock from a retrier that died: remove it and try once more.
      try {
        unlinkSync(lockPath(env));
      } catch {
        return false;
      }
    }
  }
  return false;
}

export function releaseRetrierLock(env: Env): void {
  try {
    if (Number(readFileSync(lockPath(env), 'utf8').trim()) === process.pid) unlinkSync(lockPath(env));
  } catch {
    // Already gone.
  }
}

/** Starts `vlt sync retry --background` detached from `entry` (the vlt script), unless one runs. */
export function startRetrier(env: Env, cwd: string, entry: string): boolean {
  if (retrierPid(env) !== undefined) return false;
  const child = spawn(process.execPath, [entry, 'sync', 'retry', '--background'], {
    cwd,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  // Write its pid now, so that `vlt sync status` sees it at once and no second one starts.
  if (child.pid !== undefined) {
    try {
      const fd = openSync(lockPath(env), 'wx', 0o600);
      writeSync(fd, String(child.pid));
      closeSync(fd);
    } catch {
      // Another retrier took the lock meanwhile: this one will find it taken and exit.
    }
  }
  return true;
}
