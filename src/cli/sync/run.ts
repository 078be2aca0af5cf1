// Sync as the commands use it: each queued entry goes to the server recorded with it, with the
// token the user has for that server's origin (none: it waits); drain, and say what happened.
import { VltError } from '../../shared/errors.js';
import { plural } from '../../shared/format.js';
import type { VltCommand } from '../base.js';
import { notLoggedIn, originOf } from '../settings.js';
import type { Sqlite } from '../vault/open.js';
import { classify, createApi, type Api } from './client.js';
import { Outbox } from '../vault/outbox.js';
import { syncOutbox, type SyncOptions, type SyncResult } from './engine.js';
import {
  releaseRetrierLock,
  RETRIER_GIVE_UP_MS,
  RETRIER_MAX_PAUSE_MS,
  startRetrier,
  takeRetrierLock,
} from './retrier.js';

/** A server, and the token the user has for its origin, if any. */
export interface Connection {
  url: string;
  origin: string;
  token: string | undefined;
  /**
   * The project a server named by a project file (vlt.toml) is for: pulls, `sync all` and
   * `sync status` ask it about that project only, unless told another with --project.
   */
  project?: string;
}

/** The server in force here (`flag`: a command's `--server`), with its token. */
export function connection(command: VltCommand, flag?: string): Connection {
  const server = command.server(flag);
  const project = server.source === 'vlt.toml' ? command.project?.id : undefined;
  return { ...connectionTo(command, server.url), ...(project ? { project } : {}) };
}

/** A server by its URL (as the outbox recorded it), with the token for its origin only. */
export function connectionTo(command: VltCommand, url: string): Connection {
  const origin = originOf(url);
  return { url, origin, token: command.tokenFor(origin)?.value };
}

export { notLoggedIn };

export function api(conn: Connection, timeoutMs: number): Api {
  return createApi(conn.url, conn.token, timeoutMs);
}

export interface SyncReport extends SyncResult {
  /** The server that stopped the sync, when one did. */
  stoppedAt?: Connection;
  /** Servers that entries wait for, with no token for them. */
  notLoggedIn: Connection[];
  /** Whether a background retrier now keeps trying what is left. */
  retrier: boolean;
}

/**
 * One line for a sync that left something behind, or undefined when it sent everything (with
 * `onlyFor`, entries waiting for a login to another server do not count).
 */
export function stopReason(report: SyncReport, command?: VltCommand, onlyFor?: string): string | undefined {
  if (report.stop) {
    if (report.stop.kind !== 'unauthorized') return report.stop.message;
    const at = report.stoppedAt;
    return at && command && at.url !== command.server().url
      ? `the server at ${at.origin} refused the token: run \`vlt auth login --server ${at.url}\``
      : 'the server refused the token: run `vlt auth login`';
  }
  const waiting = report.notLoggedIn.find((conn) => onlyFor === undefined || conn.url === onlyFor);
  return waiting ? notLoggedIn(waiting) : undefined;
}

/**
 * The line for a sync that stopped for `reason`: what stays queued is said once (a server's
 * invalid answer says it already), with the retrier if one keeps trying.
 */
export function stayQueued(reason: string, retrier = false): string {
  const later = retrier ? ' and a background retrier keeps trying' : '';
  if (/stays? queued$/.test(reason)) return `${reason}${later}`;
  return `${reason}: the entries stay queued${later}`;
}

/**
 * The failure of a sync command that left entries set aside as failed (the server refused them:
 * `BAD_REQUEST`, `CONFLICT`): it could not send everything, so it exits 1.
 */
export function setAsideError(count: number): VltError {
  return new VltError(
    `${plural(count, 'entry is', 'entries are')} set aside as failed: see why with \`vlt sync queue\``,
    1,
    'server',
  );
}

/**
 * Sends what waits (of these threads), server by server, each with its own token; servers
 * without one are skipped and named in `notLoggedIn`.
 */
export async function syncQueued(
  command: VltCommand,
  db: Sqlite,
  options: SyncOptions & { timeoutMs: number; onProgress?: (sent: number, total: number) => void },
): Promise<SyncReport> {
  const report: SyncReport = {
    sent: 0,
    duplicates: 0,
    failed: 0,
    threads: 0,
    moved: 0,
    changed: 0,
    annotated: 0,
    revised: 0,
    notLoggedIn: [],
    retrier: false,
  };
  const userServer = command.userServer().url;
  const outbox = new Outbox(db);
  const total = options.onProgress ? outbox.pendingCount(options.threadPks) : 0;
  for (const url of outbox.queuedServers(userServer, options.threadPks)) {
    const conn = connectionTo(command, url);
    if (!conn.token) {
      report.notLoggedIn.push(conn);
      continue;
    }
    const before = report.sent + report.duplicates;
    const result = await syncOutbox(
      db,
      api(conn, options.timeoutMs),
      { server: url, userServer },
      {
        ...(options.threadPks ? { threadPks: options.threadPks } : {}),
        ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
        onSent: (sent) => options.onProgress?.(before + sent, total),
      },
    );
    report.sent += result.sent;
    report.duplicates += result.duplicates;
    report.failed += result.failed;
    report.threads += result.threads;
    report.moved += result.moved;
    report.changed += result.changed;
    report.annotated += result.annotated;
    report.revised += result.revised;
    if (result.stop && !report.stop) {
      report.stop = result.stop;
      report.stoppedAt = conn;
    }
  }
  return report;
}

/** Whether what stopped a sync may pass by itself (network, 5xx, 429, the time budget). */
export const mayPass = (report: SyncReport): boolean =>
  report.stop?.kind === 'retryable' || report.stop?.kind === 'deadline';

/**
 * Syncs and, when it stopped for a reason that may pass, leaves the background retrier running
 * so the entries arrive without the user doing anything (not with VLT_NO_RETRIER=1).
 */
export async function syncAndRetryLater(
  command: VltCommand,
  db: Sqlite,
  options: SyncOptions & { timeoutMs: number; onProgress?: (sent: number, total: number) => void },
): Promise<SyncReport> {
  const report = await syncQueued(command, db, options);
  const { env, entry, cwd } = command.context;
  // VLT_NO_RETRIER=1 keeps every retry in the foreground (scripts, tests).
  if (mayPass(report) && env.VLT_NO_RETRIER !== '1') {
    if (command.retryInProcess()) report.retrier = true;
    else if (entry) {
      startRetrier(env, cwd, entry);
      report.retrier = true;
    }
  }
  return report;
}

/**
 * Sends what waits, again and again with backoff (1, 2, 4 … s, at most RETRIER_MAX_PAUSE_MS),
 * until the outbox is empty, what stops it will not pass by itself, RETRIER_GIVE_UP_MS have gone
 * by, or `signal` aborts: the background retrier's loop, in its detached process or in a
 * long-running command's own (`vlt mcp`). It holds the retrier lock meanwhile, so that one runs
 * per VLT_HOME; when another holds it, it returns at once and leaves the work to that one.
 */
export async function retryUntilSent(
  command: VltCommand,
  { signal, timeoutMs = 30_000 }: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<void> {
  const env = command.context.env;
  if (!takeRetrierLock(env)) return;
  try {
    const giveUpAt = Date.now() + RETRIER_GIVE_UP_MS;
    let pause = 1000;
    while (Date.now() < giveUpAt && !signal?.aborted) {
      const db = command.sqlite({ create: false });
      const outbox = db ? new Outbox(db) : undefined;
      if (!db || !outbox || outbox.pendingCount() + outbox.changeCount() === 0) return;
      // Settings are read again each round: a new `vlt auth login` takes effect at once.
      command.resetSettings();
      const result = await syncQueued(command, db, { timeoutMs });
      if (!result.stop) {
        // Done, but for what waits for a server without a token: that waits for a login.
        if (
          result.sent +
            result.duplicates +
            result.failed +
            result.moved +
            result.changed +
            result.annotated ===
          0
        )
          return;
        pause = 1000;
        continue;
      }
      if (!mayPass(result)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pause * (0.75 + Math.random() / 2));
        signal?.addEventListener('abort', done, { once: true });
      });
      pause = Math.min(RETRIER_MAX_PAUSE_MS, pause * 2);
    }
  } finally {
    releaseRetrierLock(env);
  }
}

/** Runs one API call for a command, turning any failure into one line that says what to do. */
export async function callServer<T>(conn: Connection, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const failure = classify(error);
    if (failure.kind === 'retryable') {
      throw new VltError(
        `cannot reach ${conn.url}: ${failure.message}: check server.url, or try again later`,
        1,
        'unreachable',
      );
    }
    if (failure.kind === 'unauthorized' && conn.token) {
      throw new VltError(`the server refused the token: run \`vlt auth login\``, 1, 'unauthorized');
    }
    throw new VltError(
      failure.message,
      1,
      failure.kind === 'rejected' && failure.code === 'NOT_FOUND' ? 'not_found' : 'server',
    );
  }
}
