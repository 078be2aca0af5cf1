import { Command } from 'clipanion';
import { plural } from '../../../shared/format.js';
import { VltCommand } from '../../base.js';
import { columns, terminalText } from '../../output.js';
import { originOf } from '../../settings.js';

interface ThreadRow {
  pk: number;
  project: string;
  thread: string;
  localSeq: number;
  knownServerSeq: number;
  serverProject: string;
  changing: boolean;
  pending: number;
  failed: number;
}

export class SyncStatusCommand extends VltCommand {
  static override paths = [['sync', 'status']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Show the server, the user, the queue and each thread local vs server',
    details: `
      Asks the server who the token belongs to and, for every local thread, how far the server has
      it (its contiguous watermark). When the server cannot be reached, the server column shows the
      last known value. Also says whether the background retrier is running, and which servers
      queued entries wait for (each goes only to the server in force when it was written).
    `,
    examples: [['Is sync working?', '$0 sync status']],
  });

  async run(): Promise<void> {
    const { api, connection, notLoggedIn } = await import('../../sync/run.js');
    const { classify } = await import('../../sync/client.js');
    const { retrierPid } = await import('../../sync/retrier.js');
    const conn = connection(this);
    const db = this.sqlite({ create: false });
    const { Outbox } = await import('../../vault/outbox.js');
    const outbox = db ? new Outbox(db) : undefined;
    const states = outbox?.threadStates() ?? new Map();
    const threads: ThreadRow[] = (
      (db
        ?.prepare(
          'SELECT pk, project_id AS project, slug AS thread, last_seq AS localSeq FROM threads ORDER BY project_id, slug',
        )
        .all() ?? []) as Pick<ThreadRow, 'pk' | 'project' | 'thread' | 'localSeq'>[]
    ).map((t) => {
      const state = states.get(t.pk);
      return {
        ...t,
        knownServerSeq: state?.serverSeq ?? -1,
        serverProject: state?.serverProject ?? t.project,
        changing: state?.changing ?? false,
        pending: state?.pending ?? 0,
        failed: state?.failed ?? 0,
      };
    });

    let reachable: boolean;
    let user: string | null = null;
    let problem: string | undefined = conn.token ? undefined : notLoggedIn(conn);
    const serverSeqs = new Map<number, number>();
    const client = api(conn, 5000);
    try {
      if (conn.token) {
        user = (await client.auth.me.query(undefined)).user.username;
        // A server named by a project file hears of that project's threads only.
        const asked = threads.filter((t) => conn.project === undefined || t.serverProject === conn.project);
        const answers = await Promise.all(
          asked.map((t) =>
            client.threads.syncStatus.query({ projectId: t.serverProject, threadId: t.thread }),
          ),
        );
        asked.forEach((t, i) => serverSeqs.set(t.pk, answers[i]!.lastSyncedSequence));
      } else {
        await client.auth.me.query(undefined);
      }
      reachable = true;
    } catch (error) {
      const failure = classify(error);
      reachable = failure.kind !== 'retryable';
      if (conn.token || failure.kind === 'retryable') {
        problem =
          failure.kind === 'unauthorized'
            ? 'the server refused the token: run `vlt auth login`'
            : failure.message;
      }
    }
    const pid = retrierPid(this.context.env);
    const pending = threads.reduce((n, t) => n + t.pending, 0);
    const failed = threads.reduce((n, t) => n + t.failed, 0);
    const changes = threads.filter((t) => t.changing).length;
    const marks = outbox?.markCount() ?? 0;
    const revisions = outbox?.revisionCount() ?? 0;
    // Where the queue waits to go: each entry to the server recorded with it.
    const servers = (outbox?.byServer(this.userServer().url) ?? []).map((s) => {
      const origin = originOf(s.url);
      return { ...s, origin, loggedIn: this.tokenFor(origin) !== undefined };
    });
    const rows = threads.map((t) => ({
      project: t.project,
      thread: t.thread,
      localSeq: t.localSeq,
      serverSeq: serverSeqs.get(t.pk) ?? t.knownServerSeq,
      /** Entries here by number (tombstones of deleted ones included: they keep their numbers), as the server counts them. */
      entries: t.localSeq + 1,
      /** Entries the server has, 0 to n without a gap. */
      serverEntries: (serverSeqs.get(t.pk) ?? t.knownServerSeq) + 1,
      serverSeqKnown: serverSeqs.has(t.pk),
      /** Where the server keeps it: another project while a `vlt thread move` waits to be sent. */
      serverProject: t.serverProject,
      pending: t.pending,
      failed: t.failed,
    }));
    if (this.json) {
      this.printJson({
        server: { url: conn.url, reachable, user, ...(problem ? { problem } : {}) },
        pending,
        failed,
        changes,
        tagsAndLinks: marks,
        editsAndDeletions: revisions,
        servers,
        retrier: { running: pid !== undefined, pid: pid ?? null },
        threads: rows,
      });
      return;
    }
    this.print(`server:   ${conn.url} (${reachable ? 'reachable' : 'unreachable'})`);
    this.print(terminalText(`user:     ${user ?? '-'}${problem ? `  (${problem})` : ''}`));
    this.print(
      `queue:    ${pending} pending, ${failed} failed${changes ? `, ${plural(changes, 'thread change')} not yet on the server` : ''}${marks ? `, ${plural(marks, 'tag or link', 'tags and links')} not yet on the server` : ''}${revisions ? `, ${plural(revisions, 'edit or deletion', 'edits and deletions')} not yet on the server` : ''}`,
    );
    for (const s of servers) {
      if (servers.length === 1 && s.loggedIn && s.url === conn.url) break;
      this.print(
        `          ${s.pending} pending, ${s.failed} failed for ${s.origin}${s.loggedIn ? '' : ` (${notLoggedIn(s)})`}`,
      );
    }
    this.print(`retrier:  ${pid ? `running (pid ${pid})` : 'not running'}`);
    if (rows.length === 0) return;
    this.print();
    const table = [['THREAD', 'LOCAL', 'SERVER', 'PENDING', 'FAILED']];
    for (const r of rows) {
      table.push([
        `${r.project}/${r.thread}${r.serverProject === r.project ? '' : ` (server: ${r.serverProject})`}`,
        String(r.entries),
        `${r.serverEntries}${r.serverSeqKnown ? '' : ' (last known)'}`,
        String(r.pending),
        String(r.failed),
      ]);
    }
    for (const line of columns(table)) this.print(line);
  }
}
