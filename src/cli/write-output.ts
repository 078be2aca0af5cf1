// What `thread new` and `thread push` print once the entry is committed.
import type { VltCommand } from './base.js';
import type { WrittenEntry } from './vault/append.js';

export interface SyncOutcome {
  state: 'synced' | 'queued';
  reason?: string;
}

/** The sync attempt after a write. The server side arrives with sync (issue 4); until then it queues. */
function syncOutcome(command: VltCommand & { noSync: boolean }): SyncOutcome {
  if (command.noSync) return { state: 'queued', reason: '--no-sync' };
  if (command.setting('sync.token').value === undefined) {
    return { state: 'queued', reason: 'no sync token (set one with `vlt config set sync.token <token>`)' };
  }
  return { state: 'queued', reason: 'this vlt build does not sync yet' };
}

export async function reportWrite(
  command: VltCommand & { noSync: boolean },
  written: WrittenEntry,
  okLine: string,
): Promise<void> {
  // The entry is committed: print the acknowledgement before anything that could be slow.
  if (!command.json) command.print(okLine);
  const sync = syncOutcome(command);
  if (command.json) {
    command.printJson({ ...written, sync });
  } else {
    command.print(sync.state === 'synced' ? 'synced' : `queued: ${sync.reason}`);
  }
}
