// What `thread new` and `thread push` print once the entry is committed, and the sync attempt
// that follows it (and `thread move`) within a short time budget.
import { plural } from '../shared/format.js';
import type { VltCommand } from './base.js';
import { terminalText } from './output.js';
import type { WrittenEntry } from './vault/append.js';
import type { Sqlite } from './vault/open.js';
import { Outbox } from './vault/outbox.js';

/** How long a push may spend syncing after its entry is safe on disk. */
export const PUSH_SYNC_BUDGET_MS = 1000;

export interface SyncOutcome {
  state: 'synced' | 'queued';
  reason?: string;
}

/**
 * Syncs one thread within the push's time budget; `leftBehind` says why what the command wrote
 * is still not on the server after a sync that ran to its end, if it is not.
 */
async function syncThreadNow(
  command: VltCommand & { noSync: boolean },
  threadPks: number[],
  leftBehind: (db: Sqlite) => string | undefined,
): Promise<SyncOutcome> {
  if (command.noSync) return { state: 'queued', reason: '--no-sync' };
  const { stopReason, syncAndRetryLater } = await import('./sync/run.js');
  const db = command.sqlite({ create: true });
  // What waits in this thread goes, each entry to the server recorded with it.
  const report = await syncAndRetryLater(command, db, {
    threadPks,
    deadline: Date.now() + PUSH_SYNC_BUDGET_MS,
    timeoutMs: PUSH_SYNC_BUDGET_MS,
  });
  // What this command wrote went to the server in force; another's missing login is not its news.
  const reason = stopReason(report, command, command.server().url) ?? leftBehind(db);
  return reason ? { state: 'queued', reason } : { state: 'synced' };
}

/** Syncs a thread after `vlt thread move` or `vlt thread status` changed it (see vault/outbox.ts). */
export function syncThreadChange(
  command: VltCommand & { noSync: boolean },
  threadPk: number,
  change: 'move' | 'status',
): Promise<SyncOutcome> {
  return syncThreadNow(command, [threadPk], (db) => {
    const left = new Outbox(db).changeLeft(threadPk, change);
    return left
      ? (left.refused ?? `the ${change === 'move' ? 'move' : 'status change'} waits to be sent`)
      : undefined;
  });
}

/** Syncs an entry's thread after `vlt thread tag` or `vlt thread link` marked the entry. */
export function syncMark(
  command: VltCommand & { noSync: boolean },
  entry: { pk: number; id: string; threadPk: number },
): Promise<SyncOutcome> {
  return syncThreadNow(command, [entry.threadPk], (db) => {
    const outbox = new Outbox(db);
    const left = outbox.markLeft(entry.pk);
    if (!left) return undefined;
    if (left.refused) return left.refused;
    return outbox.isQueued(entry.id)
      ? 'it goes with its entry, which waits to be sent'
      : 'it waits to be sent: `vlt sync retry` sends it';
  });
}

/** Syncs an entry's thread after `vlt thread edit`, `rm` or `delete` changed its entries. */
export function syncRevision(
  command: VltCommand & { noSync: boolean },
  entry: { id: string; threadPk: number; revisionPk: number },
): Promise<SyncOutcome> {
  return syncThreadNow(command, [entry.threadPk], (db) => {
    const outbox = new Outbox(db);
    const left = outbox.revisionLeft(entry.revisionPk);
    if (!left) return undefined;
    if (left.refused) return left.refused;
    return outbox.isQueued(entry.id)
      ? 'it goes with its entry, which waits to be sent'
      : 'it waits to be sent: `vlt sync retry` sends it';
  });
}

/** The line a command prints after its sync attempt (the reason may quote a server). */
export const syncLine = (sync: SyncOutcome) =>
  sync.state === 'synced' ? 'synced' : `queued: ${terminalText(sync.reason ?? '')}`;

/** The sync attempt after an entry was written (`thread new`, `thread push`, `vlt mcp`'s writes). */
export function syncAfterWrite(
  command: VltCommand & { noSync: boolean },
  written: WrittenEntry,
): Promise<SyncOutcome> {
  return syncThreadNow(command, [written.threadPk], (db) =>
    new Outbox(db).isQueued(written.entryId)
      ? 'the server set this entry aside: see `vlt sync queue`'
      : undefined,
  );
}

/** The sync attempt after `vlt import` wrote entries into these threads. */
export function syncAfterImport(
  command: VltCommand & { noSync: boolean },
  threadPks: number[],
): Promise<SyncOutcome> {
  return syncThreadNow(command, threadPks, (db) => {
    const outbox = new Outbox(db);
    const aside = outbox.failedCount(threadPks);
    const waiting = outbox.pendingCount(threadPks);
    const said = [
      // Set aside now or before: either way they wait for the user.
      aside > 0
        ? `${plural(aside, 'entry', 'entries')} of these threads set aside by the server: see \`vlt sync queue\``
        : '',
      waiting > 0
        ? `${plural(waiting, 'entry', 'entries')} wait to be sent: \`vlt sync retry\` sends them`
        : '',
    ].filter(Boolean);
    return said.length > 0 ? said.join('; ') : undefined;
  });
}

export async function reportWrite(
  command: VltCommand & { noSync: boolean },
  written: WrittenEntry,
  okLine: string,
): Promise<void> {
  // The entry is committed: print the acknowledgement before anything that could be slow.
  if (!command.json) command.print(okLine);
  if (written.restarted) {
    command.warn(
      `(every entry of ${written.project}/${written.thread} had been deleted: it starts again at #${written.seq})`,
    );
  }
  const sync = await syncAfterWrite(command, written);
  const { threadPk: _threadPk, ...entry } = written;
  if (command.json) {
    command.printJson({ ...entry, sync });
  } else {
    command.print(syncLine(sync));
  }
}
