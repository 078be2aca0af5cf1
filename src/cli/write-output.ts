// What `thread new` and `thread push` print once the entry is committed, and the sync attempt
// that follows it within a short time budget.
import type { VltCommand } from './base.js';
import type { WrittenEntry } from './vault/append.js';

/** How long a push may spend syncing after its entry is safe on disk. */
export const PUSH_SYNC_BUDGET_MS = 1000;

export interface SyncOutcome {
  state: 'synced' | 'queued';
  reason?: string;
}

async function syncAfterWrite(
  command: VltCommand & { noSync: boolean },
  written: WrittenEntry,
): Promise<SyncOutcome> {
  if (command.noSync) return { state: 'queued', reason: '--no-sync' };
  const { connection, NOT_LOGGED_IN, stopReason, syncAndRetryLater } = await import('./sync/run.js');
  const conn = connection(command);
  if (!conn.token) return { state: 'queued', reason: NOT_LOGGED_IN };
  const db = command.sqlite({ create: true });
  const result = await syncAndRetryLater(command, db, conn, {
    threadPks: [written.threadPk],
    deadline: Date.now() + PUSH_SYNC_BUDGET_MS,
    timeoutMs: PUSH_SYNC_BUDGET_MS,
  });
  const reason = stopReason(result);
  if (reason) return { state: 'queued', reason };
  const stillThere = db
    .prepare('SELECT state FROM outbox o JOIN entries e ON e.pk = o.entry_pk WHERE e.id = ?')
    .get(written.entryId) as { state: string } | undefined;
  if (stillThere) return { state: 'queued', reason: 'the server set this entry aside: see `vlt sync queue`' };
  return { state: 'synced' };
}

export async function reportWrite(
  command: VltCommand & { noSync: boolean },
  written: WrittenEntry,
  okLine: string,
): Promise<void> {
  // The entry is committed: print the acknowledgement before anything that could be slow.
  if (!command.json) command.print(okLine);
  const sync = await syncAfterWrite(command, written);
  const { threadPk: _threadPk, ...entry } = written;
  if (command.json) {
    command.printJson({ ...entry, sync });
  } else {
    command.print(sync.state === 'synced' ? 'synced' : `queued: ${sync.reason}`);
  }
}
