// Drains the outbox to one server: per thread, the pending entries recorded for that server, in
// sequence order, in batches of at most 100 entries and 1 MiB. An entry leaves the outbox only once
// the server has it, and goes only to the server recorded with it. The sync state is the outbox
// module's (vault/outbox.ts): this file decides what to send and what an answer means.
import type { Sqlite } from '../vault/open.js';
import { Outbox, type Destination, type PendingEntry, type ThreadToSync } from '../vault/outbox.js';
import { MAX_ANNOTATIONS } from '../../shared/names.js';
import { classify, type Api, type Failure } from './client.js';

export type { Destination };

export const MAX_BATCH_ENTRIES = 100;
/** Below the server's 1 MiB body limit, with room for the request's own JSON. */
export const MAX_BATCH_BYTES = 1_000_000;
/** Pending entries read from the vault at a time, content included (a drain used to read them all). */
const READ_AHEAD_ENTRIES = 5 * MAX_BATCH_ENTRIES;
const ENTRY_OVERHEAD_BYTES = 300;
/** Threads whose entries are sent at once. */
const PARALLEL_THREADS = 3;

export interface SyncOptions {
  /** Only these threads (by local pk); all threads with pending entries otherwise. */
  threadPks?: number[];
  /** Epoch ms after which no new request starts. */
  deadline?: number;
  /** Entries the server has from this drain so far (sent or already there). */
  onSent?: (sent: number) => void;
}

export interface SyncResult {
  sent: number;
  duplicates: number;
  failed: number;
  threads: number;
  /** Threads whose server copy moved where `vlt thread move` had moved them. */
  moved: number;
  /** Threads whose status `vlt thread status` changed, now changed on the server too. */
  changed: number;
  /** Tags and links now on the server (or dropped: the server no longer has their entry). */
  annotated: number;
  /** Edits and deletions now on the server (or dropped: the server no longer has their entry). */
  revised: number;
  /** Why it stopped before the outbox was empty, if it did. */
  stop?: Failure | { kind: 'deadline'; message: string };
}

const outOfTime = { kind: 'deadline' as const, message: 'the time budget for this sync ran out' };

/** Sends what waits for `to.server` (with an API client for that server, and its token only). */
export async function syncOutbox(
  db: Sqlite,
  api: Api,
  to: Destination,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const outbox = new Outbox(db);
  const result: SyncResult = {
    sent: 0,
    duplicates: 0,
    failed: 0,
    threads: 0,
    moved: 0,
    changed: 0,
    annotated: 0,
    revised: 0,
  };
  // Threads with a change to send go first, whatever the filter (a new thread of a moved thread's
  // old name may be waiting to be sent), then the threads with entries to send.
  const changing = outbox.changing(to);
  const threads = [
    ...changing,
    ...outbox.sending(to, options.threadPks).filter((t) => !changing.some((c) => c.pk === t.pk)),
  ];
  const late = () => options.deadline !== undefined && Date.now() > options.deadline;
  let stop: SyncResult['stop'];

  // The threads with a change one after another, in order; then the others' entries, a few
  // threads at a time (each thread's batches still in order): the server commits pushes that
  // arrive together at once, and this process prepares one batch while the server stores another.
  for (const thread of threads.slice(0, changing.length)) {
    stop = await syncThread(thread);
    if (stop) return { ...result, stop };
  }
  let next = changing.length;
  const worker = async () => {
    while (!stop && next < threads.length) {
      // The first reason to stop stands: another thread that ends well after it must not clear it.
      const stopped = await syncThread(threads[next++]!);
      stop ??= stopped;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_THREADS }, worker));
  if (stop) return { ...result, stop };
  const marked = await sendMarks(outbox, api, to, options, result, late);
  return marked.stop ? marked : sendRevisions(outbox, api, to, options, marked, late);

  /** One thread's change and entries; why the drain must stop, if it must. */
  async function syncThread(thread: ThreadToSync): Promise<SyncResult['stop']> {
    result.threads++;
    if (thread.change_refused !== null) {
      result.failed += outbox.refuseChange(thread.pk, thread.change_refused, to);
      return undefined;
    }
    // A status the server could not set because it did not have the thread yet: said again once the
    // thread's entries are there (an earlier command's push, still in flight, may have made the
    // thread with its old status meanwhile).
    let statusAgain: { projectId: string; threadId: string; status: ThreadToSync['status'] } | undefined;
    if (thread.move_from !== null || thread.status_changed) {
      if (late()) return outOfTime;
      // NOT_FOUND: the server has no such thread there (deleted, or moved from another machine):
      // nothing to change; the thread's new entries go to its new place, with its status.
      const unlessMissing = (error: unknown) => {
        const failure = classify(error);
        if (failure.kind !== 'rejected' || failure.code !== 'NOT_FOUND') throw error;
        return false;
      };
      try {
        if (thread.move_from !== null) {
          const move = { projectId: thread.move_from, threadId: thread.slug, toProjectId: thread.project_id };
          if (await api.threads.move.mutate(move).then(() => true, unlessMissing)) result.moved++;
          outbox.moveSent(thread.pk, thread.project_id);
        }
        if (thread.status_changed) {
          const status = { projectId: thread.project_id, threadId: thread.slug, status: thread.status };
          if (await api.threads.setStatus.mutate(status).then(() => true, unlessMissing)) result.changed++;
          else statusAgain = status;
          outbox.statusSent(thread.pk, thread.status);
        }
        outbox.settle(thread.pk);
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'rejected') {
          result.failed += outbox.refuseChange(
            thread.pk,
            `${failure.code}: ${failure.message} (then \`vlt sync thread ${thread.project_id}/${thread.slug}\`)`,
            to,
          );
          return undefined;
        }
        return failure;
      }
    }
    let batchLimit = MAX_BATCH_ENTRIES;
    // Read a few batches ahead, and again once they are sent or one was set aside: a thread of
    // thousands of pending entries is not read again for every batch.
    let entries: PendingEntry[] = [];
    for (;;) {
      if (entries.length === 0) entries = outbox.pendingFor(thread.pk, to, READ_AHEAD_ENTRIES);
      if (entries.length === 0) break;
      if (late()) return outOfTime;
      const batch = takeBatch(entries, batchLimit);
      try {
        const answer = await api.threads.push.mutate({
          projectId: thread.project_id,
          threadId: thread.slug,
          status: thread.status,
          createdAt: new Date(thread.created_at),
          entries: batch.map((e) => ({
            entryId: e.id,
            sequenceId: e.seq,
            content: e.content,
            author: e.author,
            timestamp: new Date(e.timestamp),
            // No text at all: a tombstone this vault never had the text of (vlt import).
            ...(e.content === '' ? { deleted: true as const } : {}),
          })),
        });
        outbox.acknowledge(
          thread.pk,
          batch.map((e) => e.entry_pk),
          answer.lastSyncedSequence,
        );
        entries = entries.slice(batch.length);
        result.sent += answer.syncedCount;
        result.duplicates += answer.duplicateCount;
        batchLimit = MAX_BATCH_ENTRIES;
        options.onSent?.(result.sent + result.duplicates);
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'too-large' && batch.length > 1) {
          batchLimit = Math.ceil(batch.length / 2);
          continue;
        }
        if (failure.kind === 'too-large' || failure.kind === 'rejected') {
          // The server refuses one entry for itself: set it aside, send the rest.
          const culprit =
            failure.kind === 'rejected' && failure.entryId
              ? batch.find((e) => e.id === failure.entryId)
              : batch.length === 1
                ? batch[0]
                : undefined;
          if (!culprit) {
            batchLimit = Math.ceil(batch.length / 2);
            continue;
          }
          const code = failure.kind === 'rejected' ? failure.code : 'PAYLOAD_TOO_LARGE';
          outbox.setAside(culprit.entry_pk, `${code}: ${failure.message}`);
          entries = entries.filter((e) => e !== culprit);
          result.failed++;
          continue;
        }
        outbox.postpone(
          batch.map((e) => e.entry_pk),
          failure.message,
        );
        return failure;
      }
    }
    if (statusAgain) {
      // Best effort: on failure the server keeps the status it has, as before this second try.
      if (
        await api.threads.setStatus.mutate(statusAgain).then(
          () => true,
          () => false,
        )
      )
        result.changed++;
    }
    return undefined;
  }
}

/**
 * Edits and deletions whose entries the server has, after the entries, one call each, oldest
 * first. The server keeps them by revision id: a retry stores nothing twice. NOT_FOUND: the
 * server no longer has the entry (its thread was deleted there): nothing to change.
 */
async function sendRevisions(
  outbox: Outbox,
  api: Api,
  to: Destination,
  options: SyncOptions,
  result: SyncResult,
  late: () => boolean,
): Promise<SyncResult> {
  for (;;) {
    const revisions = outbox.revisionsFor(to, options.threadPks, MAX_BATCH_ENTRIES);
    if (revisions.length === 0) return result;
    for (const revision of revisions) {
      if (late()) return { ...result, stop: outOfTime };
      const change = {
        entryId: revision.entryId,
        revisionId: revision.revisionId,
        at: new Date(revision.at),
      };
      try {
        if (revision.deleted) await api.threads.deleteEntry.mutate(change);
        else await api.threads.editEntry.mutate({ ...change, content: revision.content });
        outbox.revisionSent(revision.pk);
        result.revised++;
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'rejected' && failure.code === 'NOT_FOUND') {
          outbox.revisionSent(revision.pk);
          continue;
        }
        if (failure.kind === 'rejected' || failure.kind === 'too-large') {
          outbox.refuseRevision(
            revision.pk,
            `${failure.kind === 'rejected' ? failure.code : 'PAYLOAD_TOO_LARGE'}: ${failure.message}`,
          );
          continue;
        }
        return { ...result, stop: failure };
      }
    }
  }
}

/**
 * Tags and links whose entries the server has, after the entries: in batches of MAX_ANNOTATIONS.
 * Those whose entry the server no longer has (the thread was deleted there) have nothing to mark
 * and go too; a batch the server refuses for itself waits as failed, with the reason.
 */
async function sendMarks(
  outbox: Outbox,
  api: Api,
  to: Destination,
  options: SyncOptions,
  result: SyncResult,
  late: () => boolean,
): Promise<SyncResult> {
  for (;;) {
    const marks = outbox.marksFor(to, options.threadPks, MAX_ANNOTATIONS);
    if (marks.length === 0) return result;
    if (late()) return { ...result, stop: outOfTime };
    try {
      await api.threads.annotate.mutate({
        tags: marks.flatMap((m) => (m.tag === null ? [] : [{ entryId: m.entryId, tag: m.tag }])),
        links: marks.flatMap((m) =>
          m.tag !== null || m.targetProject === null || m.targetThread === null
            ? []
            : [
                {
                  entryId: m.entryId,
                  projectId: m.targetProject,
                  threadId: m.targetThread,
                  note: m.note,
                  at: new Date(m.at ?? 0),
                },
              ],
        ),
      });
      outbox.marksSent(marks.map((m) => m.pk));
      result.annotated += marks.length;
    } catch (error) {
      const failure = classify(error);
      if (failure.kind === 'rejected' || failure.kind === 'too-large') {
        outbox.refuseMarks(
          marks.map((m) => m.pk),
          `${failure.kind === 'rejected' ? failure.code : 'PAYLOAD_TOO_LARGE'}: ${failure.message}`,
        );
        continue;
      }
      return { ...result, stop: failure };
    }
  }
}

function takeBatch(entries: PendingEntry[], limit: number): PendingEntry[] {
  const batch: PendingEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry.content)) + ENTRY_OVERHEAD_BYTES;
    if (batch.length > 0 && (batch.length >= limit || bytes + size > MAX_BATCH_BYTES)) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}
