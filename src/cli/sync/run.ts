// Sync as the commands use it: connect with the resolved settings, drain, and say what happened.
import { VltError } from '../../shared/errors.js';
import type { VltCommand } from '../base.js';
import type { Sqlite } from '../vault/open.js';
import { classify, createApi, type Api } from './client.js';
import { syncOutbox, type SyncOptions, type SyncResult } from './engine.js';
import { startRetrier } from './retrier.js';

export interface Connection {
  serverUrl: string;
  token: string | undefined;
}

export function connection(command: VltCommand): Connection {
  return {
    serverUrl: command.setting('server.url').value ?? 'http://localhost:8000',
    token: command.setting('sync.token').value,
  };
}

export const NOT_LOGGED_IN = 'not logged in: run `vlt auth login`';

export function api(conn: Connection, timeoutMs: number): Api {
  return createApi(conn.serverUrl, conn.token, timeoutMs);
}

/** One line for a sync that stopped early, or undefined when the outbox was drained. */
export function stopReason(result: SyncResult): string | undefined {
  if (!result.stop) return undefined;
  if (result.stop.kind === 'unauthorized') return 'the server refused the token: run `vlt auth login`';
  return result.stop.message;
}

/**
 * Syncs and, when it stopped for a reason that may pass (network, 5xx, 429, time), leaves the
 * background retrier running so the entries arrive without the user doing anything.
 */
export async function syncAndRetryLater(
  command: VltCommand,
  db: Sqlite,
  conn: Connection,
  options: SyncOptions & { timeoutMs: number },
): Promise<SyncResult> {
  const result = await syncOutbox(db, api(conn, options.timeoutMs), options);
  const retryable = result.stop && result.stop.kind !== 'unauthorized';
  const { env, entry, cwd } = command.context;
  // VLT_NO_RETRIER=1 keeps every retry in the foreground (scripts, tests).
  if (retryable && entry && env.VLT_NO_RETRIER !== '1') startRetrier(env, cwd, entry);
  return result;
}

/** Runs one API call for a command, turning any failure into one line that says what to do. */
export async function callServer<T>(conn: Connection, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const failure = classify(error);
    if (failure.kind === 'retryable') {
      throw new VltError(
        `cannot reach ${conn.serverUrl}: ${failure.message}: check server.url, or try again later`,
      );
    }
    if (failure.kind === 'unauthorized' && conn.token) {
      throw new VltError(`the server refused the token: run \`vlt auth login\``);
    }
    throw new VltError(failure.message);
  }
}
