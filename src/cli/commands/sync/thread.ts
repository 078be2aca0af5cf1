import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';

export class SyncThreadCommand extends VltCommand {
  static override paths = [['sync', 'thread']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Send one thread now; --force sends it again from entry 0',
    details: `
      Sends the thread's pending entries and tries its failed ones (and a refused move) again, each
      to the server recorded with it. \`--force\` queues every entry of the thread for the server in
      force here and sends them all: the server keeps what it has (duplicates are not errors) and
      stores what it lacks.
    `,
    examples: [
      ['Send one thread', '$0 sync thread auth-refactor'],
      ['Send it all again', '$0 sync thread auth-refactor --force'],
    ],
  });

  thread = Option.String({ name: 'thread' });
  force = Option.Boolean('--force', false, { description: 'Send every entry again, from entry 0' });

  async run(): Promise<void> {
    const ref = this.threadRef(this.thread);
    const { thread } = await this.requireThread(ref);
    const db = this.sqlite({ create: false })!;
    const server = this.server().url;
    const { Outbox } = await import('../../vault/outbox.js');
    const outbox = new Outbox(db);
    db.transaction(() => {
      if (this.force) outbox.requeue(thread.pk, server);
      outbox.retry(thread.pk);
      // A move the server refused is tried again too.
      outbox.retryChange(thread.pk);
    }).immediate();
    const { setAsideError, stayQueued, stopReason, syncAndRetryLater } = await import('../../sync/run.js');
    const result = await syncAndRetryLater(this, db, { threadPks: [thread.pk], timeoutMs: 30_000 });
    const reason = stopReason(result, this);
    if (this.json) {
      this.printJson({
        project: ref.project,
        thread: ref.thread,
        sent: result.sent,
        duplicates: result.duplicates,
        failed: result.failed,
        ...(reason ? { stoppedBy: reason } : {}),
      });
    } else {
      this.print(
        `${ref.project}/${ref.thread}: sent ${result.sent}, ${result.duplicates} already there, ${result.failed} failed`,
      );
    }
    if (reason) throw new VltError(stayQueued(reason, result.retrier));
    if (result.failed) throw setAsideError(result.failed);
  }
}
