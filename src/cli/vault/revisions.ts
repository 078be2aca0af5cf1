// An entry's revisions in the vault (entry_revisions): the first text, each edit, a deletion. One
// rule for an edit made here and one pulled from another machine: the entry's text is the latest
// edit by time (then revision id), and a deletion makes it a tombstone whatever comes after. Plain
// prepared SQL on the connection given.
import { laterRevision } from '../../shared/names.js';
import type { Sqlite } from './open.js';
import type { Outbox } from './outbox.js';

export interface Revision {
  revisionId: string;
  /** The new text; null for a deletion. */
  content: string | null;
  /** ISO time the edit was made. */
  at: string;
}

/**
 * Records a revision of the entry (its first text kept first, under the entry's own id) and makes
 * the entry's text the one that stands. Returns the revision's pk, or undefined when the vault had
 * it already (a retry, or this machine's own coming back).
 */
export function applyRevision(
  db: Sqlite,
  outbox: Outbox,
  entryPk: number,
  revision: Revision,
): number | undefined {
  const entry = db
    .prepare('SELECT id, content, timestamp, deleted FROM entries WHERE pk = ?')
    .get(entryPk) as {
    id: string;
    content: string;
    timestamp: string;
    deleted: number;
  };
  // The first text; a tombstone that never had one here (from an export) is its own deletion.
  db.prepare(
    'INSERT OR IGNORE INTO entry_revisions (entry_pk, revision_id, content, deleted, at) VALUES (?, ?, ?, ?, ?)',
  ).run(entryPk, entry.id, entry.content, entry.deleted, entry.timestamp);
  const added = db
    .prepare(
      'INSERT OR IGNORE INTO entry_revisions (entry_pk, revision_id, content, deleted, at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(
      entryPk,
      revision.revisionId,
      revision.content ?? '',
      revision.content === null ? 1 : 0,
      revision.at,
    );
  if (added.changes === 0) return undefined;
  if (settle(db, entryPk)) outbox.dropMarks(entryPk);
  return Number(added.lastInsertRowid);
}

/** The entry takes the text that stands among its revisions, or becomes a tombstone (true). */
function settle(db: Sqlite, entryPk: number): boolean {
  const revisions = db
    .prepare('SELECT revision_id AS revisionId, content, deleted, at FROM entry_revisions WHERE entry_pk = ?')
    .all(entryPk) as { revisionId: string; content: string; deleted: number; at: string }[];
  const { id } = db.prepare('SELECT id FROM entries WHERE pk = ?').get(entryPk) as { id: string };
  if (revisions.some((r) => r.deleted)) {
    db.prepare("UPDATE entries SET content = '', deleted = 1 WHERE pk = ? AND deleted = 0").run(entryPk);
    // A tombstone keeps no tags or links.
    db.prepare('DELETE FROM entry_tags WHERE entry_pk = ?').run(entryPk);
    db.prepare('DELETE FROM "references" WHERE source_entry_pk = ?').run(entryPk);
    return true;
  }
  let current = revisions[0]!;
  for (const r of revisions) if (laterRevision(r, current)) current = r;
  // Only a changed text touches the content column (its trigger keeps the search index).
  db.prepare('UPDATE entries SET content = ? WHERE pk = ? AND content IS NOT ?').run(
    current.content,
    entryPk,
    current.content,
  );
  db.prepare('UPDATE entries SET revision_id = ? WHERE pk = ?').run(
    current.revisionId === id ? null : current.revisionId,
    entryPk,
  );
  return false;
}
