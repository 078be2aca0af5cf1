import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';

export class SyncRetryCommand extends VltCommand {
  static override paths = [['sync', 'retry']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Send everything pending now',
    details: `
      Sends every pending entry (and thread moves and statuses), thread by thread, in batches of at most 100 entries and 1 MiB, with
      a progress bar on a terminal and a summary line at the end. Entries the server refuses for
      themselves are set aside as failed (see \`vlt sync queue\`); the rest still go. If the server
      cannot be reached the entries stay queued, the command exits 1, and a background retrier keeps
      trying. \`--background\` is that retrier.
    `,
    examples: [
      ['Send the queue', '$0 sync retry'],
      ['With a line per batch', '$0 sync retry --verbose'],
    ],
  });

  verbose = Option.Boolean('--verbose', false, { description: 'A line per batch' });
  background = Option.Boolean('--background', false, { hidden: true });

  async run(): Promise<number | void> {
    const { connection, NOT_LOGGED_IN, stopReason, syncAndRetryLater } = await import('../../sync/run.js');
    const { pendingCount, pendingChanges } = await import('../../sync/engine.js');
    const conn = connection(this);
    if (this.background) return this.runBackground();
    const db = this.sqlite({ create: false });
    const total = db ? pendingCount(db) : 0;
    if (!db || total + pendingChanges(db) === 0) {
      if (this.json)
        this.printJson({ sent: 0, duplicates: 0, failed: 0, moved: 0, statusChanged: 0, remaining: 0 });
      else this.print('Nothing to send.');
      return;
    }
    if (!conn.token) throw new VltError(`${total} entries wait: ${NOT_LOGGED_IN}`);
    const tty = Boolean((this.context.stderr as NodeJS.WriteStream).isTTY);
    const started = Date.now();
    const result = await syncAndRetryLater(this, db, conn, {
      timeoutMs: 30_000,
      onProgress: (done, all) => {
        if (tty) this.context.stderr.write(`\r${bar(done, all)} ${done}/${all} entries`);
        else if (this.verbose) this.context.stderr.write(`sent ${done}/${all} entries\n`);
      },
    });
    if (tty) this.context.stderr.write('\n');
    const remaining = pendingCount(db);
    const reason = stopReason(result);
    if (this.json) {
      this.printJson({
        sent: result.sent,
        duplicates: result.duplicates,
        failed: result.failed,
        moved: result.moved,
        statusChanged: result.changed,
        remaining,
        ...(reason ? { stoppedBy: reason } : {}),
      });
    } else {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const parts = [`sent ${result.sent} entries from ${result.threads} threads in ${seconds} s`];
      if (result.moved) parts.push(`moved ${result.moved} threads on the server`);
      if (result.changed) parts.push(`set the status of ${result.changed} threads on the server`);
      if (result.duplicates) parts.push(`${result.duplicates} were already on the server`);
      if (result.failed) parts.push(`${result.failed} set aside as failed (see \`vlt sync queue\`)`);
      parts.push(`${remaining} still queued`);
      this.print(parts.join('; '));
    }
    if (reason)
      throw new VltError(`${reason}: the entries stay queued and a background retrier keeps trying`);
  }

  /** The detached retrier: retries with backoff until the outbox is empty, for at most an hour. */
  private async runBackground(): Promise<void> {
    const { RETRIER_GIVE_UP_MS, RETRIER_MAX_PAUSE_MS, releaseRetrierLock, takeRetrierLock } =
      await import('../../sync/retrier.js');
    const { connection, api } = await import('../../sync/run.js');
    const { pendingCount, pendingChanges, syncOutbox } = await import('../../sync/engine.js');
    const env = this.context.env;
    if (!takeRetrierLock(env)) return;
    try {
      const giveUpAt = Date.now() + RETRIER_GIVE_UP_MS;
      let pause = 1000;
      while (Date.now() < giveUpAt) {
        const db = this.sqlite({ create: false });
        if (!db || pendingCount(db) + pendingChanges(db) === 0) return;
        // Settings are read again each round: a new `vlt auth login` takes effect at once.
        this.resetSettings();
        const conn = connection(this);
        if (!conn.token) return;
        const result = await syncOutbox(db, api(conn, 30_000));
        if (!result.stop) {
          pause = 1000;
          continue;
        }
        if (result.stop.kind === 'unauthorized') return;
        await new Promise((resolve) => setTimeout(resolve, pause * (0.75 + Math.random() / 2)));
        pause = Math.min(RETRIER_MAX_PAUSE_MS, pause * 2);
      }
    } finally {
      releaseRetrierLock(env);
    }
  }
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
