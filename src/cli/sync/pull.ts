// Brings the user's entries from the server into this vault. For a thread written on two machines,
// local entries the server has not acknowledged are renumbered after the server's (safe: no one has
// seen their numbers), and conflicts they met are cleared so the next sync sends them. Each page
// was checked against src/shared/answers.ts by the API client: a page with anything wrong in it
// stores nothing.
import type { Sqlite } from '../vault/open.js';
import { Outbox } from '../vault/outbox.js';
import { applyRevision } from '../vault/revisions.js';
import { laterLink } from '../../shared/names.js';
import { uuidv7 } from '../../shared/uuidv7.js';
import { originOf } from '../settings.js';
import { InvalidAnswerError, type Api } from './client.js';

type PullPage = Awaited<ReturnType<Api['threads']['pull']['query']>>;
type PulledEntry = PullPage['entries'][number];
type PulledChange = PullPage['changes'][number];
type PulledAnnotation = NonNullable<PullPage['annotations']>[number];

export interface PullResult {
  received: number;
  added: number;
  renumbered: number;
  threads: number;
  /** Threads moved here because they were moved on the server (from another machine). */
  moved: number;
  /** Threads whose status was set here because it was set on the server. */
  statuses: number;
  /** Tags and links added here (or link notes changed) because they were made on another machine. */
  annotations: number;
  /** Edits and deletions of entries here made on another machine. */
  revisions: number;
}

const cursorKey = (serverUrl: string, projectId?: string) => `pull:${serverUrl}:${projectId ?? '*'}`;

export async function pullFromServer(
  db: Sqlite,
  api: Api,
  serverUrl: string,
  options: { projectId?: string; onProgress?: (received: number) => void } = {},
): Promise<PullResult> {
  const result: PullResult = {
    received: 0,
    added: 0,
    renumbered: 0,
    threads: 0,
    moved: 0,
    statuses: 0,
    annotations: 0,
    revisions: 0,
  };
  const outbox = new Outbox(db);
  const key = cursorKey(serverUrl, options.projectId);
  const touched = new Set<string>();
  let cursor = outbox.cursor(key);
  for (;;) {
    const page = await api.threads.pull.query({
      ...(cursor ? { cursor } : {}),
      ...(options.projectId ? { projectId: options.projectId } : {}),
    });
    if (options.projectId) checkScope(page, options.projectId, serverUrl);
    db.transaction(() => {
      // The thread changes first: the entries come under their threads' projects of now.
      for (const change of page.changes) {
        // A pull of one project moves threads out of it, never another project's into it.
        const fromHere = options.projectId === undefined || change.fromProjectId === options.projectId;
        if (change.fromProjectId !== null && fromHere)
          applyMove(db, outbox, { ...change, fromProjectId: change.fromProjectId }, result, serverUrl);
        if (change.status !== null) applyStatus(db, outbox, { ...change, status: change.status }, result);
      }
      applyPage(db, outbox, page.entries, result, touched);
      // Then tags and links: the server hands them out once their entries are handed out.
      for (const annotation of page.annotations ?? []) applyAnnotation(db, outbox, annotation, result);
      // And edits and deletions, by the same rule as this vault's own (vault/revisions.ts).
      for (const revision of page.revisions ?? []) {
        const entry = db.prepare('SELECT pk FROM entries WHERE id = ?').get(revision.entryId) as
          { pk: number } | undefined;
        if (!entry) continue;
        const applied = applyRevision(db, outbox, entry.pk, {
          revisionId: revision.revisionId,
          content: revision.content,
          at: revision.at.toISOString(),
        });
        if (applied !== undefined) result.revisions++;
      }
      outbox.setCursor(key, page.cursor);
    }).immediate();
    cursor = page.cursor;
    result.received += page.entries.length;
    options.onProgress?.(result.received);
    if (!page.hasMore) break;
  }
  result.threads = touched.size;
  return result;
}

/**
 * A pull of one project holds only that project's entries, and changes of its threads (a thread
 * moved out of it included): a server that sends more is refused, and nothing of the page is stored.
 */
function checkScope(page: PullPage, projectId: string, serverUrl: string): void {
  const outside =
    page.entries.find((e) => e.projectId !== projectId)?.projectId ??
    page.changes.find((c) => c.projectId !== projectId && c.fromProjectId !== projectId)?.projectId;
  if (outside !== undefined) {
    throw new InvalidAnswerError(
      `the server at ${originOf(serverUrl)} sent a thread of project '${outside}' to a pull of '${projectId}': nothing was stored from that page`,
    );
  }
}

/**
 * A thread the server moved: this vault's copy follows. If the copy was moved here already, or
 * elsewhere (that move is then sent from the new place), only the record of where the server has
 * it changes; if another thread of this vault holds the new place, the copy stays and the clash
 * waits in `vlt sync queue`.
 */
function applyMove(
  db: Sqlite,
  outbox: Outbox,
  move: PulledChange & { fromProjectId: string },
  result: PullResult,
  serverUrl: string,
): void {
  const { fromProjectId: from, projectId: to, threadId } = move;
  const away = outbox.movedAway(from, threadId);
  if (away) {
    outbox.serverMoved(away.pk, to, away.project);
    return;
  }
  const copy = outbox.copyAt(from, threadId);
  if (!copy) return;
  if (db.prepare('SELECT 1 FROM threads WHERE project_id = ? AND slug = ?').get(to, threadId)) {
    outbox.serverMoveClashes(
      copy.pk,
      to,
      `CONFLICT: the server moved ${from}/${threadId} to ${to}, where this vault has another thread ${threadId}: move one of them (\`vlt thread move\`)`,
      serverUrl,
    );
    return;
  }
  db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(to, to);
  db.prepare('UPDATE threads SET project_id = ? WHERE pk = ?').run(to, copy.pk);
  result.moved++;
}

/** A thread whose status was set on the server: this vault's copy takes it, unless its own waits to be sent. */
function applyStatus(
  db: Sqlite,
  outbox: Outbox,
  change: PulledChange & { status: string },
  result: PullResult,
): void {
  const copy =
    outbox.movedAway(change.projectId, change.threadId) ?? outbox.copyAt(change.projectId, change.threadId);
  if (!copy || outbox.statusWaits(copy.pk)) return;
  const updated = db
    .prepare('UPDATE threads SET status = ? WHERE pk = ? AND status <> ?')
    .run(change.status, copy.pk, change.status);
  result.statuses += updated.changes;
}

/**
 * A tag or a link made on another machine: this vault's entry takes it (a tag it has, or a link
 * with the same note, changes nothing). A link to a thread this vault does not have yet makes the
 * thread (empty: its entries come with a pull); this vault's own link of the pair, still waiting
 * to be sent, stays while it is the later (the later note stands everywhere). An entry this vault lacks
 * (a project pull, a thread deleted here) is left out.
 */
function applyAnnotation(db: Sqlite, outbox: Outbox, annotation: PulledAnnotation, result: PullResult): void {
  const entry = db.prepare('SELECT pk FROM entries WHERE id = ?').get(annotation.entryId) as
    { pk: number } | undefined;
  if (!entry) return;
  if (annotation.tag !== null) {
    db.prepare('INSERT OR IGNORE INTO tags (name) VALUES (?)').run(annotation.tag);
    result.annotations += db
      .prepare('INSERT OR IGNORE INTO entry_tags (entry_pk, tag_id) SELECT ?, id FROM tags WHERE name = ?')
      .run(entry.pk, annotation.tag).changes;
    return;
  }
  const link = annotation.link;
  if (!link) return;
  const target =
    outbox.movedAway(link.projectId, link.threadId) ??
    (db
      .prepare('SELECT pk, project_id AS project FROM threads WHERE project_id = ? AND slug = ?')
      .get(link.projectId, link.threadId) as { pk: number; project: string } | undefined) ??
    makeThread(db, link.projectId, link.threadId);
  // The later note stands (names.ts laterLink): this vault's own, newer one (waiting to be sent,
  // say) stays; an older one pulled after it changes nothing.
  const at = link.at.toISOString();
  const mine = db
    .prepare(
      'SELECT note, created_at AS at FROM "references" WHERE source_entry_pk = ? AND target_thread_pk = ?',
    )
    .get(entry.pk, target.pk) as { note: string | null; at: string } | undefined;
  if (mine && !laterLink({ at, note: link.note }, mine)) return;
  const changed = db
    .prepare(
      `INSERT INTO "references" (id, source_entry_pk, target_thread_pk, note, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (source_entry_pk, target_thread_pk) DO UPDATE SET note = excluded.note, created_at = excluded.created_at`,
    )
    .run(uuidv7(), entry.pk, target.pk, link.note, at).changes;
  result.annotations += changed;
}

/** An empty thread, for a link to a thread whose entries this vault has not pulled yet. */
function makeThread(db: Sqlite, project: string, slug: string): { pk: number; project: string } {
  db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(project, project);
  const now = new Date().toISOString();
  const made = db
    .prepare('INSERT INTO threads (project_id, slug, created_at, updated_at) VALUES (?, ?, ?, ?)')
    .run(project, slug, now, now);
  return { pk: Number(made.lastInsertRowid), project };
}

function applyPage(
  db: Sqlite,
  outbox: Outbox,
  entries: PulledEntry[],
  result: PullResult,
  touched: Set<string>,
): void {
  const byThread = new Map<string, PulledEntry[]>();
  for (const entry of entries) {
    const name = `${entry.projectId}/${entry.threadId}`;
    byThread.set(name, [...(byThread.get(name) ?? []), entry]);
  }
  for (const [name, incoming] of byThread) {
    // Counted when it gets new entries: this machine's own coming back are not news.
    const before = result.added;
    applyThread(db, outbox, incoming, result);
    if (result.added > before) touched.add(name);
  }
}

function applyThread(db: Sqlite, outbox: Outbox, incoming: PulledEntry[], result: PullResult): void {
  const first = incoming[0]!;
  const now = new Date().toISOString();
  // This vault's copy of the server's thread: wherever `vlt thread move` has put it since, else
  // the thread of that name, made if needed.
  const copy = outbox.movedAway(first.projectId, first.threadId);
  if (!copy) {
    db.prepare('INSERT OR IGNORE INTO projects (id, name) VALUES (?, ?)').run(
      first.projectId,
      first.projectId,
    );
    db.prepare(
      `INSERT OR IGNORE INTO threads (project_id, slug, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(first.projectId, first.threadId, first.status, first.threadCreatedAt.toISOString(), now);
  }
  const { pk } =
    copy ??
    (db
      .prepare('SELECT pk FROM threads WHERE project_id = ? AND slug = ?')
      .get(first.projectId, first.threadId) as {
      pk: number;
    });

  // A thread made empty for a link pulled before it: it takes the server's status and time.
  db.prepare('UPDATE threads SET status = ?, created_at = ? WHERE pk = ? AND last_seq = -1').run(
    first.status,
    first.threadCreatedAt.toISOString(),
    pk,
  );
  // Local entries the server has not acknowledged, moved out of the way (seq -1 - seq) first.
  const unsynced = outbox.unacknowledged(pk);
  const setSeq = db.prepare('UPDATE entries SET seq = ? WHERE pk = ?');
  for (const entry of unsynced) setSeq.run(-1 - entry.seq, entry.pk);
  const waiting = new Map(unsynced.map((e) => [e.id, e]));

  const findById = db.prepare('SELECT pk FROM entries WHERE id = ?');
  const occupied = db.prepare('SELECT 1 FROM entries WHERE thread_pk = ? AND seq = ?');
  const insert = db.prepare(
    'INSERT INTO entries (id, thread_pk, seq, content, author, timestamp, deleted) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  let latest = '';
  for (const entry of [...incoming].sort((a, b) => a.sequenceId - b.sequenceId)) {
    const timestamp = entry.timestamp.toISOString();
    if (timestamp > latest) latest = timestamp;
    const mine = waiting.get(entry.entryId);
    if (mine) {
      // The server stored it although this machine never heard back: take its place, done.
      setSeq.run(entry.sequenceId, mine.pk);
      outbox.received(mine.pk);
      waiting.delete(entry.entryId);
      continue;
    }
    if (findById.get(entry.entryId) || occupied.get(pk, entry.sequenceId)) continue;
    insert.run(
      entry.entryId,
      pk,
      entry.sequenceId,
      entry.content,
      entry.author,
      timestamp,
      entry.deleted ? 1 : 0,
    );
    result.added++;
  }

  const { top } = db
    .prepare('SELECT max(seq) AS top FROM entries WHERE thread_pk = ? AND seq >= 0')
    .get(pk) as {
    top: number | null;
  };
  let next = (top ?? -1) + 1;
  for (const entry of waiting.values()) {
    if (-1 - entry.seq !== next) result.renumbered++;
    setSeq.run(next++, entry.pk);
  }
  // Conflicts were about the old numbers: those entries go again.
  outbox.retry(pk, 'conflicts');
  db.prepare(
    `UPDATE entries SET prev_id = (SELECT p.id FROM entries p WHERE p.thread_pk = entries.thread_pk AND p.seq = entries.seq - 1)
     WHERE thread_pk = ?`,
  ).run(pk);
  db.prepare(
    `UPDATE threads SET last_seq = (SELECT coalesce(max(seq), -1) FROM entries WHERE thread_pk = threads.pk),
       updated_at = max(updated_at, ?) WHERE pk = ?`,
  ).run(latest || now, pk);
  outbox.settleWatermark(pk);
}
