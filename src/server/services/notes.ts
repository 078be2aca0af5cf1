// Notes on the server: a user's markdown per project, synced by content (synced-files.ts: the
// manifest, moves, copies, deletions, uploads checked whole), each note parsed into its chunks and
// links (shared/notes.ts) and indexed. Every query is scoped by the user id the caller was
// authenticated as; another user's notes do not exist here.
import { sql } from 'drizzle-orm';
import { scoreOf } from '../../shared/fts5.js';
import { utf8Length } from '../../shared/names.js';
import { chunkHeading, chunkHeadingText, noteKeys, noteTitleText, parseNote } from '../../shared/notes.js';
import { allThenAny, searchWords } from '../../shared/search-query.js';
import type { Executor, ServerDb } from '../db/index.js';
import type { Limits } from '../limits.js';
import { decodeCursor, encodeCursor, SyncedFiles, type UploadedFile } from './synced-files.js';

export class Notes extends SyncedFiles<UploadedFile> {
  constructor(db: ServerDb, limits: Limits) {
    super(db, limits, {
      table: 'notes',
      noun: 'note',
      nouns: 'notes',
      bytes: limits.noteBytes,
      bytesSetting: 'VLT_LIMIT_NOTE_BYTES',
      perProject: limits.notesPerProject,
      perProjectSetting: 'VLT_LIMIT_NOTES_PER_PROJECT',
    });
  }

  protected async load(tx: Executor, pk: number): Promise<UploadedFile> {
    return (await tx.get<UploadedFile>(sql`SELECT path, sha256, content FROM notes WHERE pk = ${pk}`))!;
  }

  /** A note with its chunks and links gone, from the index too. */
  protected async remove(tx: Executor, userId: string, pk: number): Promise<void> {
    await this.dropChunks(tx, userId, pk);
    await tx.run(sql`DELETE FROM notes WHERE pk = ${pk} AND user_id = ${userId}`);
  }

  private async dropChunks(tx: Executor, userId: string, notePk: number): Promise<void> {
    const chunks = await tx.all<{ pk: number }>(sql`SELECT pk FROM note_chunks WHERE note_pk = ${notePk}`);
    await this.db.noteSearch.dropChunks(
      tx,
      userId,
      chunks.map((c) => c.pk),
    );
    await tx.run(sql`DELETE FROM note_chunks WHERE note_pk = ${notePk}`);
    await tx.run(sql`DELETE FROM note_links WHERE note_pk = ${notePk}`);
  }

  /** Writes a note (new, or over `pk` keeping its identity), parsed into its chunks and links, indexed. */
  protected async write(
    tx: Executor,
    userId: string,
    projectId: string,
    path: string,
    { content, sha256 }: UploadedFile,
    updatedAt: string,
    pk: number | undefined,
  ): Promise<void> {
    const note = parseNote(path, content);
    const size = utf8Length(content);
    const [tags, aliases, headings] = [note.tags, note.aliases, note.headings].map((v) => JSON.stringify(v));
    let notePk: number;
    if (pk === undefined) {
      await tx.run(sql`
        INSERT INTO projects (user_id, id, created_at) VALUES (${userId}, ${projectId}, ${updatedAt})
        ON CONFLICT DO NOTHING`);
      notePk = (await tx.get<{ pk: number }>(sql`
        INSERT INTO notes (user_id, project_id, path, sha256, size, title, tags, aliases, headings, content, updated_at)
        VALUES (${userId}, ${projectId}, ${path}, ${sha256}, ${size}, ${note.title}, ${tags}, ${aliases}, ${headings},
                ${content}, ${updatedAt})
        RETURNING pk`))!.pk;
    } else {
      await this.dropChunks(tx, userId, pk);
      await tx.run(sql`
        UPDATE notes SET path = ${path}, sha256 = ${sha256}, size = ${size}, title = ${note.title}, tags = ${tags},
          aliases = ${aliases}, headings = ${headings}, content = ${content}, updated_at = ${updatedAt}
        WHERE pk = ${pk} AND user_id = ${userId}`);
      notePk = pk;
    }
    const title = noteTitleText(note);
    const indexed = [];
    for (let i = 0; i < note.chunks.length; i += 50) {
      const rows = await tx.all<{ pk: number; seq: number }>(sql`
        INSERT INTO note_chunks (user_id, note_pk, seq, title, heading, heading_text, start_line, end_line, content)
        VALUES ${sql.join(
          note.chunks
            .slice(i, i + 50)
            .map(
              (c) =>
                sql`(${userId}, ${notePk}, ${c.seq}, ${title}, ${chunkHeading(c)}, ${chunkHeadingText(c)}, ${c.startLine}, ${c.endLine}, ${c.text})`,
            ),
          sql`, `,
        )}
        RETURNING pk, seq`);
      for (const row of rows) {
        const chunk = note.chunks[row.seq]!;
        indexed.push({
          pk: row.pk,
          notePk,
          projectId,
          title,
          headingText: chunkHeadingText(chunk),
          content: chunk.text,
        });
      }
    }
    await this.db.noteSearch.indexChunks(tx, userId, indexed);
    for (let i = 0; i < note.links.length; i += 100) {
      await tx.run(sql`
        INSERT INTO note_links (user_id, project_id, note_pk, key, line) VALUES ${sql.join(
          note.links
            .slice(i, i + 100)
            .map((l) => sql`(${userId}, ${projectId}, ${notePk}, ${l.key}, ${l.line})`),
          sql`, `,
        )}`);
    }
  }

  /**
   * Stores notes' text at their paths (new notes, or new text for a path), after checking each:
   * its size, and that it hashes to the SHA-256 it came with. One refused note refuses the upload:
   * nothing of it is stored.
   */
  async upload(userId: string, input: { projectId: string; files: UploadedFile[] }) {
    const bytes = this.checkUpload(input.files);
    return this.store(userId, input.projectId, input.files, bytes);
  }

  async list(userId: string, input: { projectId?: string; cursor?: string; limit?: number }) {
    const limit = this.pageSize(input.limit, 100);
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const rows = await this.db.all<{
      projectId: string;
      path: string;
      title: string;
      tags: string;
      size: number;
      sha256: string;
      updatedAt: string;
      chunks: number;
      key: string;
    }>(sql`
      SELECT project_id AS "projectId", path, title, tags, size, sha256, updated_at AS "updatedAt",
             (SELECT CAST(count(*) AS INTEGER) FROM note_chunks c WHERE c.note_pk = notes.pk) AS chunks,
             project_id || '/' || path AS key
      FROM notes WHERE user_id = ${userId}
        ${input.projectId ? sql`AND project_id = ${input.projectId}` : sql``}
        ${after !== undefined ? sql`AND project_id || '/' || path > ${after}` : sql``}
      ORDER BY project_id || '/' || path LIMIT ${limit + 1}`);
    const page = rows.slice(0, limit);
    return {
      notes: page.map(({ key: _key, tags, updatedAt, ...row }) => ({
        ...row,
        tags: JSON.parse(tags) as string[],
        updatedAt: new Date(updatedAt),
      })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.key) : null,
    };
  }

  /** A note with its text, headings and backlinks; NOT_FOUND when the user has none at that path. */
  async get(userId: string, input: { projectId: string; path: string }) {
    const note = await this.db.get<{
      pk: number;
      path: string;
      title: string;
      tags: string;
      aliases: string;
      headings: string;
      content: string;
      sha256: string;
      size: number;
      updatedAt: string;
    }>(sql`
      SELECT pk, path, title, tags, aliases, headings, content, sha256, size, updated_at AS "updatedAt"
      FROM notes WHERE user_id = ${userId} AND project_id = ${input.projectId} AND path = ${input.path}`);
    if (!note) throw this.notFound(input.projectId, input.path);
    const aliases = JSON.parse(note.aliases) as string[];
    const keys = noteKeys({ path: note.path, title: note.title, aliases });
    const backlinks = await this.db.all<{ path: string; title: string; line: number }>(sql`
      SELECT n.path, n.title, min(l.line) AS line FROM note_links l JOIN notes n ON n.pk = l.note_pk
      WHERE l.user_id = ${userId} AND l.project_id = ${input.projectId} AND n.pk <> ${note.pk}
        AND l.key IN (${sql.join(
          keys.map((k) => sql`${k}`),
          sql`, `,
        )})
      GROUP BY n.pk, n.path, n.title ORDER BY n.path LIMIT 200`);
    return {
      note: {
        projectId: input.projectId,
        path: note.path,
        title: note.title,
        tags: JSON.parse(note.tags) as string[],
        aliases,
        headings: JSON.parse(note.headings) as { level: number; text: string; line: number; slug: string }[],
        content: note.content,
        sha256: note.sha256,
        size: note.size,
        updatedAt: new Date(note.updatedAt),
      },
      backlinks,
    };
  }

  async search(userId: string, input: { query: string; projectId?: string; limit?: number }) {
    const limit = this.pageSize(input.limit, 20);
    const words = searchWords(input.query);
    if (words.length === 0) return { results: [] };
    const scope = { userId, projectId: input.projectId, limit };
    const rows = await allThenAny(
      words,
      (some, mode) => this.db.noteSearch.search(scope, some, mode),
      (terms) => this.db.noteSearch.documentCounts(userId, terms),
    );
    return { results: rows.map(({ rank, ...row }) => ({ ...row, score: scoreOf(rank) })) };
  }
}
