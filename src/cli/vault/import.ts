// `vlt import`: threads read from vlt's own export (validated by shared/export-format.ts) written to
// the vault in one transaction. Ids are kept; what the vault already has is left as it is, so that
// importing twice adds nothing; a thread that holds other entries at the same sequences is refused
// and nothing is written. New entries are written by append.ts and queued by outbox.ts like any
// entry, so they sync.
import { VltError } from '../../shared/errors.js';
import type { ExportedThread } from '../../shared/export-format.js';
import { importEntry, importThread } from './append.js';
import { Outbox } from './outbox.js';
import type { Vault } from './vault.js';

export interface ImportResult {
  threads: number;
  /** Threads this vault did not have. */
  newThreads: number;
  entries: number;
  /** Entries written (the rest were here already). */
  added: number;
  tagsAdded: number;
  linksAdded: number;
  /** Links to threads that neither the vault nor the file has: left out. */
  linksSkipped: { entry: string; target: string }[];
  /** The threads that got entries, for the sync that follows. */
  threadPks: number[];
}

export interface ImportSource {
  /** `file:line` of a thread's line or an entry (by id), for messages. */
  where(key: string): string;
  /** Called after each thread is written, with entries done so far and in all. */
  progress?: (done: number, total: number) => void;
}

const refuse = (message: string) =>
  new VltError(`${message}; nothing was imported (the vault is as it was)`, 1, 'failed');

export function importThreads(
  vault: Vault,
  threads: ExportedThread[],
  server: string | null,
  source: ImportSource,
): ImportResult {
  const db = vault.sqlite;
  const outbox = new Outbox(db);
  const total = threads.reduce((n, t) => n + t.entries.length, 0);
  const result: ImportResult = {
    threads: threads.length,
    newThreads: 0,
    entries: total,
    added: 0,
    tagsAdded: 0,
    linksAdded: 0,
    linksSkipped: [],
    threadPks: [],
  };
  db.transaction(() => {
    let done = 0;
    const entryPks = new Map<string, number>();
    // The thread of each entry of the file, and the threads that got entries, tags or links (they sync).
    const threadPks = new Map<string, number>();
    const marked = new Set<number>();
    for (const thread of threads) {
      const name = `${thread.project}/${thread.thread}`;
      const local = vault.findThread(thread.project, thread.thread);
      const here = local ? vault.threadEntries(local.pk) : [];
      for (const entry of thread.entries) {
        const mine = here[entry.seq];
        if (mine && mine.id !== entry.id) {
          throw refuse(
            `${source.where(entry.id)}: thread ${name} here has another entry at seq ${entry.seq} (id ${mine.id}, the file's ${entry.id}): import into an empty VLT_HOME, or move this vault's thread away first (\`vlt thread move\`)`,
          );
        }
        // A deletion on either side is the same entry's later word: this vault's copy stays.
        const deletedHereOrThere = mine !== undefined && (mine.deleted === 1 || entry.deleted === true);
        if (mine && !deletedHereOrThere && (mine.content !== entry.content || mine.author !== entry.author)) {
          throw refuse(
            `${source.where(entry.id)}: entry ${name}/${entry.seq} (${entry.id}) is here with other content than in the file: this vault's copy was changed, keep one of them`,
          );
        }
        if (!mine) {
          const elsewhere = vault.entryPlace(entry.id);
          if (elsewhere) {
            throw refuse(
              `${source.where(entry.id)}: entry id ${entry.id} is already in this vault as ${elsewhere.project}/${elsewhere.thread}/${elsewhere.seq}, not ${name}/${entry.seq}`,
            );
          }
        }
      }
      let threadPk = local?.pk;
      if (threadPk === undefined) {
        threadPk = importThread(db, {
          project: thread.project,
          projectName: thread.projectName ?? thread.project,
          slug: thread.thread,
          status: thread.status,
          createdAt: thread.created,
        });
        result.newThreads++;
      }
      let added = 0;
      for (const entry of thread.entries) {
        const mine = here[entry.seq];
        const pk = mine ? mine.pk : importEntry(db, threadPk, entry, server, outbox);
        if (!mine) added++;
        // A tombstone here keeps no tags or links, whatever the file says.
        if (mine?.deleted === 1) continue;
        entryPks.set(entry.id, pk);
        threadPks.set(entry.id, threadPk);
        for (const tag of entry.tags) {
          if (!vault.tagEntry(pk, tag, server)) continue;
          result.tagsAdded++;
          marked.add(threadPk);
        }
      }
      if (added > 0) marked.add(threadPk);
      result.added += added;
      done += thread.entries.length;
      source.progress?.(done, total);
    }
    // Links last: their targets may come later in the file.
    for (const thread of threads) {
      for (const entry of thread.entries) {
        const pk = entryPks.get(entry.id);
        if (entry.links.length === 0 || pk === undefined) continue;
        const existing = vault.linksFrom([entry.id]).get(entry.id) ?? [];
        for (const link of entry.links) {
          const target = vault.findThread(link.project, link.thread);
          const to = `${link.project}/${link.thread}`;
          if (!target) {
            result.linksSkipped.push({
              entry: `${thread.project}/${thread.thread}/${entry.seq}`,
              target: to,
            });
            continue;
          }
          if (existing.some((l) => l.project === link.project && l.thread === link.thread)) continue;
          vault.linkEntry(pk, target, link.note ?? undefined, server);
          result.linksAdded++;
          marked.add(threadPks.get(entry.id)!);
        }
      }
    }
    result.threadPks = [...marked];
  }).immediate();
  return result;
}
