import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { plural } from '../../../shared/format.js';
import { VltCommand } from '../../base.js';

export class SyncRetryCommand extends VltCommand {
  static override paths = [['sync', 'retry']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Send everything pending now',
    details: `
      Sends every pending entry (and thread moves and statuses), each to the server that was in
      force when it was written, with the token stored for that server, thread by thread, in
      batches of at most 100 entries and 1 MiB, with a progress bar on a terminal and a summary line
      at the end. Entries the server refuses for themselves are set aside as failed (see \`vlt sync
      queue\`); the rest still go. Entries for a server you are not logged in to stay queued. If a
      server cannot be reached the entries stay queued, the command exits 1, and (unless
      VLT_NO_RETRIER=1) a background retrier keeps trying. \`--background\` is that retrier.
    `,
    examples: [
      ['Send the queue', '$0 sync retry'],
      ['With a line per batch', '$0 sync retry --verbose'],
    ],
  });

  verbose = Option.Boolean('--verbose', false, { description: 'A line per batch' });
  background = Option.Boolean('--background', false, { hidden: true });

  async run(): Promise<number | void> {
    if (this.background) return this.runBackground();
    const { setAsideError, stayQueued, stopReason, syncAndRetryLater } = await import('../../sync/run.js');
    const { Outbox } = await import('../../vault/outbox.js');
    const db = this.sqlite({ create: false });
    const outbox = db ? new Outbox(db) : undefined;
    const total = outbox?.pendingCount() ?? 0;
    if (!db || !outbox || total + outbox.changeCount() === 0) {
      if (this.json)
        this.printJson({ sent: 0, duplicates: 0, failed: 0, moved: 0, statusChanged: 0, remaining: 0 });
      else this.print('Nothing to send.');
      // Nothing pending, but what the server refused before is not on it either.
      const failed = outbox?.failedCount() ?? 0;
      if (failed) throw setAsideError(failed);
      return;
    }
    const tty = Boolean((this.context.stderr as NodeJS.WriteStream).isTTY);
    const started = Date.now();
    const result = await syncAndRetryLater(this, db, {
      timeoutMs: 30_000,
      onProgress: (done, all) => {
        if (tty) this.context.stderr.write(`\r${bar(done, all)} ${done}/${all} entries`);
        else if (this.verbose) this.context.stderr.write(`sent ${done}/${all} entries\n`);
      },
    });
    if (tty) this.context.stderr.write('\n');
    const remaining = outbox.pendingCount();
    const reason = stopReason(result, this);
    if (this.json) {
      this.printJson({
        sent: result.sent,
        duplicates: result.duplicates,
        failed: result.failed,
        moved: result.moved,
        statusChanged: result.changed,
        tagsAndLinks: result.annotated,
        editsAndDeletions: result.revised,
        remaining,
        ...(reason ? { stoppedBy: reason } : {}),
      });
    } else {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const from = result.threads ? ` from ${plural(result.threads, 'thread')}` : '';
      const parts = [`sent ${plural(result.sent, 'entry', 'entries')}${from} in ${seconds} s`];
      if (result.moved) parts.push(`moved ${plural(result.moved, 'thread')} on the server`);
      if (result.changed) parts.push(`set the status of ${plural(result.changed, 'thread')} on the server`);
      if (result.revised)
        parts.push(`sent ${plural(result.revised, 'edit or deletion', 'edits and deletions')}`);
      if (result.annotated) parts.push(`sent ${plural(result.annotated, 'tag or link', 'tags and links')}`);
      if (result.duplicates)
        parts.push(`${plural(result.duplicates, 'entry was', 'entries were')} already on the server`);
      if (result.failed)
        parts.push(
          `${plural(result.failed, 'entry', 'entries')} set aside as failed (see \`vlt sync queue\`)`,
        );
      parts.push(`${remaining} still queued`);
      this.print(parts.join('; '));
    }
    if (reason) throw new VltError(stayQueued(reason, result.retrier));
    // Set aside now or before: not everything is on the server.
    const failed = outbox.failedCount();
    if (failed) throw setAsideError(failed);
  }

  /** The detached retrier: retries with backoff until the outbox is empty, for at most an hour. */
  private async runBackground(): Promise<void> {
    const { retryUntilSent } = await import('../../sync/run.js');
    await retryUntilSent(this);
  }
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
