// The vault's pending_thread_changes, as the commands, the sync and the pull share them.
import type { Sqlite } from './open.js';

/** Drops a thread's pending change once nothing is left of it (moved, status sent, nothing refused). */
export function settleThreadChange(db: Sqlite, threadPk: number): void {
  db.prepare(
    `DELETE FROM pending_thread_changes
     WHERE thread_pk = ? AND from_project IS NULL AND NOT status_changed AND last_error IS NULL`,
  ).run(threadPk);
}
