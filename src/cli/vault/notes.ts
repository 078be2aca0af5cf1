// The vault's notes: a project's markdown folder indexed by content (shared/manifest.ts planManifest:
// unchanged, moved, new or changed, deleted), its chunks in note_chunks_fts through the shared
// fts5 statements, listed and searched. Plain prepared SQL, like the rest of the vault.
import { CHUNK_SHAPE, deleteRows, hitsCte, insertRows, scoreOf, type FtsIndex } from '../../shared/fts5.js';
import { chunkHeading, chunkHeadingText, noteKeys, noteTitleText, parseNote } from '../../shared/notes.js';
import { planManifest, type ManifestFile } from '../../shared/manifest.js';
import { rankAllThenAny } from '../../shared/search-query.js';
import type { FileStat, KnownFile } from '../notes/folder.js';
import type { Sqlite } from './open.js';
import { chunkWordCounts } from './word-counts.js';

/** The vault's index of note chunks (migration 0009). */
export const VAULT_CHUNK_INDEX: FtsIndex = {
  table: 'note_chunks_fts',
  vocab: 'note_chunks_vocab',
  shape: CHUNK_SHAPE,
};

/** A file of the notes folder: its manifest line, and its text when it must be read. */
export interface NoteFile extends ManifestFile {
  text(): string;
  /** Set when the file was read and hashed by this scan: its stat then, to record. */
  hashed?: FileStat | undefined;
}

export interface IndexReport {
  added: string[];
  changed: string[];
  moved: { from: string; to: string }[];
  deleted: string[];
  unchanged: number;
}

export interface NoteListing {
  project: string;
  path: string;
  title: string;
  tags: string[];
  size: number;
  sha256: string;
  chunks: number;
  indexedAt: string;
}

export interface NoteHit {
  project: string;
  path: string;
  title: string;
  heading: string;
  startLine: number;
  endLine: number;
  snippet: string;
  score: number;
}

/**
 * The hash and the file's stat when hashed, of each of `project`'s files in `table` (notes, or
 * the code index's files) that has one: the stat cache of `vlt notes index` and `vlt code index`.
 */
export function knownFiles(
  sqlite: Sqlite,
  table: 'notes' | 'code_files',
  project: string,
): (path: string) => KnownFile | undefined {
  const rows = sqlite
    .prepare(
      `SELECT path, sha256, file_stat AS stat FROM ${table} WHERE project_id = ? AND file_stat IS NOT NULL`,
    )
    .all(project) as { path: string; sha256: string; stat: string }[];
  const byPath = new Map<string, KnownFile>();
  for (const row of rows) {
    try {
      byPath.set(row.path, { sha256: row.sha256, stat: JSON.parse(row.stat) as FileStat });
    } catch {
      // An unreadable record: the file is read and hashed again.
    }
  }
  return (path) => byPath.get(path);
}

export class VaultNotes {
  constructor(private readonly sqlite: Sqlite) {}

  /** The hash and the file's stat when hashed, of each of `project`'s notes that has one. */
  known(project: string): (path: string) => KnownFile | undefined {
    return knownFiles(this.sqlite, 'notes', project);
  }

  /** What indexing `files` as `project`'s notes would do, without doing it. */
  plan(project: string, files: ManifestFile[]) {
    const existing = this.sqlite
      .prepare('SELECT path, sha256 FROM notes WHERE project_id = ?')
      .all(project) as { path: string; sha256: string }[];
    return planManifest(existing, files);
  }

  /**
   * Makes `project`'s notes the folder's `files`, in one transaction: new and changed files read
   * and parsed, moves and copies without reading, what is gone deleted with its chunks and links.
   */
  index(project: string, files: NoteFile[], now = new Date().toISOString()): IndexReport {
    const byPath = new Map(files.map((file) => [file.path, file]));
    const run = this.sqlite.transaction(() => {
      const plan = this.plan(project, files);
      const report: IndexReport = {
        added: [],
        changed: [],
        moved: plan.moves,
        deleted: plan.deletes,
        unchanged: plan.unchanged.length,
      };
      // Parsed before any write: a file that cannot be read stops the whole index with nothing changed.
      const parsed = [...plan.missing, ...plan.copies.map((c) => byPath.get(c.to)!)].map((file) => {
        const text = byPath.get(file.path)!.text();
        return { file, text, note: parseNote(file.path, text) };
      });
      this.sqlite
        .prepare('INSERT INTO projects (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING')
        .run(project, project);
      const pkOf = (path: string) =>
        (
          this.sqlite.prepare('SELECT pk FROM notes WHERE project_id = ? AND path = ?').get(project, path) as
            { pk: number } | undefined
        )?.pk;
      const moving = plan.moves.map((move) => ({ ...move, pk: pkOf(move.from)! }));
      // Moved notes step aside first, so that paths can be swapped.
      for (const move of moving) {
        this.sqlite.prepare('UPDATE notes SET path = ? WHERE pk = ?').run(`../moving/${move.pk}`, move.pk);
      }
      for (const path of plan.deletes) this.remove(pkOf(path));
      for (const move of moving) {
        this.remove(pkOf(move.to));
        const row = this.sqlite.prepare('SELECT content FROM notes WHERE pk = ?').get(move.pk) as {
          content: string;
        };
        // The title may come from the file name: the note is parsed again at its new path.
        this.write(project, byPath.get(move.to)!, row.content, parseNote(move.to, row.content), now, move.pk);
      }
      for (const { file, text, note } of parsed) {
        const old = pkOf(file.path);
        if (old === undefined) report.added.push(file.path);
        else report.changed.push(file.path);
        this.write(project, byPath.get(file.path)!, text, note, now, old);
      }
      // Files read again with the same text: their new stat is what the next scan compares with.
      const restat = this.sqlite.prepare('UPDATE notes SET file_stat = ? WHERE project_id = ? AND path = ?');
      for (const path of plan.unchanged) {
        const hashed = byPath.get(path)!.hashed;
        if (hashed) restat.run(JSON.stringify(hashed), project, path);
      }
      return report;
    });
    return run.immediate();
  }

  /** A note with its chunks and links gone from the vault and the index. */
  private remove(pk: number | undefined): void {
    if (pk === undefined) return;
    const chunks = (
      this.sqlite.prepare('SELECT pk FROM note_chunks WHERE note_pk = ?').all(pk) as { pk: number }[]
    ).map((c) => c.pk);
    if (chunks.length > 0) {
      const { text, params } = deleteRows(VAULT_CHUNK_INDEX, chunks);
      this.sqlite.prepare(text).run(...params);
    }
    this.sqlite.prepare('DELETE FROM note_chunks WHERE note_pk = ?').run(pk);
    this.sqlite.prepare('DELETE FROM note_links WHERE note_pk = ?').run(pk);
    this.sqlite.prepare('DELETE FROM notes WHERE pk = ?').run(pk);
  }

  /** Writes a note (a new one, or over `pk` keeping its identity) with its chunks, links and index rows. */
  private write(
    project: string,
    file: NoteFile,
    text: string,
    note: ReturnType<typeof parseNote>,
    now: string,
    pk: number | undefined,
  ): void {
    const values = [
      project,
      file.path,
      file.sha256,
      file.size,
      note.title,
      JSON.stringify(note.tags),
      JSON.stringify(note.aliases),
      text,
      now,
      file.hashed ? JSON.stringify(file.hashed) : null,
    ];
    let notePk: number;
    if (pk === undefined) {
      notePk = Number(
        this.sqlite
          .prepare(
            `INSERT INTO notes (project_id, path, sha256, size, title, tags, aliases, content, indexed_at, file_stat)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(...values).lastInsertRowid,
      );
    } else {
      const chunks = (
        this.sqlite.prepare('SELECT pk FROM note_chunks WHERE note_pk = ?').all(pk) as { pk: number }[]
      ).map((c) => c.pk);
      if (chunks.length > 0) {
        const { text: sql, params } = deleteRows(VAULT_CHUNK_INDEX, chunks);
        this.sqlite.prepare(sql).run(...params);
      }
      this.sqlite.prepare('DELETE FROM note_chunks WHERE note_pk = ?').run(pk);
      this.sqlite.prepare('DELETE FROM note_links WHERE note_pk = ?').run(pk);
      this.sqlite
        .prepare(
          `UPDATE notes SET project_id = ?, path = ?, sha256 = ?, size = ?, title = ?, tags = ?, aliases = ?,
             content = ?, indexed_at = ?, file_stat = ? WHERE pk = ?`,
        )
        .run(...values, pk);
      notePk = pk;
    }
    const insertChunk = this.sqlite.prepare(
      `INSERT INTO note_chunks (note_pk, seq, heading, heading_text, start_line, end_line, content)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const rows = note.chunks.map((chunk) => {
      const headingText = chunkHeadingText(chunk);
      const rowid = Number(
        insertChunk.run(
          notePk,
          chunk.seq,
          chunkHeading(chunk),
          headingText,
          chunk.startLine,
          chunk.endLine,
          chunk.text,
        ).lastInsertRowid,
      );
      return {
        rowid,
        searched: [noteTitleText(note), headingText, chunk.text],
        projectId: project,
        parentPk: notePk,
      };
    });
    for (let i = 0; i < rows.length; i += 100) {
      const { text: sql, params } = insertRows(VAULT_CHUNK_INDEX, rows.slice(i, i + 100));
      this.sqlite.prepare(sql).run(...params);
    }
    const insertLink = this.sqlite.prepare('INSERT INTO note_links (note_pk, key, line) VALUES (?, ?, ?)');
    for (const link of note.links) insertLink.run(notePk, link.key, link.line);
  }

  list(project: string | undefined): NoteListing[] {
    const rows = this.sqlite
      .prepare(
        `SELECT n.project_id AS project, n.path, n.title, n.tags, n.size, n.sha256, n.indexed_at AS indexedAt,
                (SELECT count(*) FROM note_chunks c WHERE c.note_pk = n.pk) AS chunks
         FROM notes n ${project === undefined ? '' : 'WHERE n.project_id = ?'} ORDER BY n.project_id, n.path`,
      )
      .all(...(project === undefined ? [] : [project])) as (Omit<NoteListing, 'tags'> & { tags: string })[];
    return rows.map((row) => ({ ...row, tags: JSON.parse(row.tags) as string[] }));
  }

  /** One note of `project` by its path, with its whole text; undefined when the vault has none there. */
  read(
    project: string,
    path: string,
  ): { path: string; title: string; sha256: string; content: string } | undefined {
    return this.sqlite
      .prepare('SELECT path, title, sha256, content FROM notes WHERE project_id = ? AND path = ?')
      .get(project, path) as { path: string; title: string; sha256: string; content: string } | undefined;
  }

  /** Whether `project` has any note in the vault. */
  has(project: string): boolean {
    return this.sqlite.prepare('SELECT 1 FROM notes WHERE project_id = ? LIMIT 1').get(project) !== undefined;
  }

  /** Notes that link to this one (by its path, file name, title or aliases), in its project. */
  backlinks(project: string, path: string): { path: string; title: string; line: number }[] {
    const note = this.sqlite
      .prepare('SELECT path, title, aliases FROM notes WHERE project_id = ? AND path = ?')
      .get(project, path) as { path: string; title: string; aliases: string } | undefined;
    if (!note) return [];
    const keys = noteKeys({ ...note, aliases: JSON.parse(note.aliases) as string[] });
    return this.sqlite
      .prepare(
        `SELECT n.path, n.title, min(l.line) AS line FROM note_links l JOIN notes n ON n.pk = l.note_pk
         WHERE n.project_id = ? AND n.path <> ? AND l.key IN (SELECT value FROM json_each(?))
         GROUP BY n.pk ORDER BY n.path`,
      )
      .all(project, path, JSON.stringify(keys)) as { path: string; title: string; line: number }[];
  }

  /** Ranked search over the chunks (bm25, titles and headings weighted), all words first, then any. */
  seek(text: string, options: { project?: string | undefined; limit: number }): NoteHit[] {
    return rankAllThenAny(
      text,
      (match) => this.rank(match, options),
      chunkWordCounts(this.sqlite, VAULT_CHUNK_INDEX, 'note_chunks'),
    );
  }

  private rank(match: string, options: { project?: string | undefined; limit: number }): NoteHit[] {
    const hits = hitsCte(VAULT_CHUNK_INDEX, match, { projectId: options.project }, options.limit, {
      snippet: true,
    });
    const rows = this.sqlite
      .prepare(
        `WITH ${hits.text}
         SELECT hits.rank, hits.snippet, n.project_id AS project, n.path, n.title, c.heading,
                c.start_line AS startLine, c.end_line AS endLine
         FROM hits JOIN note_chunks c ON c.pk = hits.pk JOIN notes n ON n.pk = c.note_pk
         ORDER BY hits.rank`,
      )
      .all(...hits.params) as (Omit<NoteHit, 'score'> & { rank: number })[];
    return rows.map(({ rank, ...row }) => ({ ...row, score: scoreOf(rank) }));
  }
}
