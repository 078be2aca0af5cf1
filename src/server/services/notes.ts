// Notes on the server: a user's markdown per project, synced by content. The manifest (every
// file's path, SHA-256 and size) is compared with what the server has (shared/notes.ts planNotes):
// moves, copies and deletions happen at once, in one transaction, and the answer names the hashes
// the server lacks; only those are uploaded. Every query is scoped by the user id the caller was
// authenticated as; another user's notes do not exist here.
import { TRPCError } from '@trpc/server';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { scoreOf } from '../../shared/fts5.js';
import { utf8Length } from '../../shared/names.js';
import {
  chunkHeading,
  chunkHeadingText,
  noteKeys,
  noteTitleText,
  parseNote,
  planNotes,
  type ManifestFile,
} from '../../shared/notes.js';
import { searchWords } from '../../shared/search-query.js';
import type { Executor, ServerDb } from '../db/index.js';
import type { Limits } from '../limits.js';

const encodeCursor = (path: string) => Buffer.from(JSON.stringify(path)).toString('base64url');
function decodeCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value === 'string' && value.length <= 2000) return value;
  } catch {
    // Falls through.
  }
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'invalid cursor: start again without one' });
}

interface NoteRow {
  pk: number;
  path: string;
  sha256: string;
  content: string;
}

const sha256Of = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export class Notes {
  constructor(
    private readonly db: ServerDb,
    private readonly limits: Limits,
  ) {}

  private pageSize(limit: number | undefined, fallback: number): number {
    if (limit !== undefined && limit > this.limits.pageSize) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `limit ${limit} is over the page size limit of ${this.limits.pageSize}: page with the cursor`,
      });
    }
    return limit ?? Math.min(fallback, this.limits.pageSize);
  }

  /** One user's notes of one project change one sync at a time, on every instance. */
  private inTurn<T>(userId: string, projectId: string, fn: (tx: Executor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await this.db.lock(tx, `notes:${userId}:${projectId}`);
      return fn(tx);
    });
  }

  /**
   * Makes the project's notes follow the manifest as far as the server can without the files'
   * text: moves and copies, and what is gone deleted. Answers the hashes to upload.
   */
  async manifest(
    userId: string,
    input: { projectId: string; files: ManifestFile[]; dryRun?: boolean | undefined },
  ) {
    const { projectId, files } = input;
    if (files.length > this.limits.notesPerProject) {
      throw new TRPCError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `the manifest lists ${files.length} notes, over the limit of ${this.limits.notesPerProject} in a project (VLT_LIMIT_NOTES_PER_PROJECT): sync a smaller folder`,
      });
    }
    const seen = new Set<string>();
    for (const file of files) {
      if (seen.has(file.path)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `the manifest lists ${file.path} twice` });
      }
      seen.add(file.path);
      if (file.size > this.limits.noteBytes) {
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `${file.path} is ${file.size} bytes, over the limit of ${this.limits.noteBytes} bytes for a note: split it or leave it out`,
        });
      }
    }
    const apply = async (tx: Executor) => {
      const existing = await tx.all<{ path: string; sha256: string }>(sql`
        SELECT path, sha256 FROM notes WHERE user_id = ${userId} AND project_id = ${projectId}`);
      const plan = planNotes(existing, files);
      if (!input.dryRun) await this.applyPlan(tx, userId, projectId, plan);
      return {
        missing: [...new Set(plan.missing.map((f) => f.sha256))],
        unchanged: plan.unchanged.length,
        moved: plan.moves,
        copied: plan.copies,
        deleted: plan.deletes,
      };
    };
    return input.dryRun ? apply(this.db) : this.inTurn(userId, projectId, apply);
  }

  private async applyPlan(
    tx: Executor,
    userId: string,
    projectId: string,
    plan: ReturnType<typeof planNotes>,
  ) {
    const now = new Date().toISOString();
    const pkOf = async (path: string) =>
      (
        await tx.get<{ pk: number }>(sql`
          SELECT pk FROM notes WHERE user_id = ${userId} AND project_id = ${projectId} AND path = ${path}`)
      )?.pk;
    const moving = await Promise.all(
      plan.moves.map(async (move) => ({ ...move, pk: (await pkOf(move.from))! })),
    );
    // Moved notes step aside first, so that paths can be swapped.
    for (const move of moving) {
      await tx.run(sql`UPDATE notes SET path = ${`../moving/${move.pk}`} WHERE pk = ${move.pk}`);
    }
    for (const path of plan.deletes) await this.remove(tx, userId, await pkOf(path));
    for (const move of moving) {
      await this.remove(tx, userId, await pkOf(move.to));
      const note = (await tx.get<NoteRow & { updatedAt: string }>(sql`
        SELECT pk, path, sha256, content, updated_at AS "updatedAt" FROM notes WHERE pk = ${move.pk}`))!;
      await this.write(tx, userId, projectId, move.to, note.content, note.sha256, note.updatedAt, move.pk);
    }
    for (const copy of plan.copies) {
      const from = (await tx.get<NoteRow>(sql`
        SELECT pk, path, sha256, content FROM notes
        WHERE user_id = ${userId} AND project_id = ${projectId} AND path = ${copy.from}`))!;
      await this.remove(tx, userId, await pkOf(copy.to));
      await this.write(tx, userId, projectId, copy.to, from.content, from.sha256, now, undefined);
    }
  }

  /** A note with its chunks and links gone, from the index too. */
  private async remove(tx: Executor, userId: string, pk: number | undefined): Promise<void> {
    if (pk === undefined) return;
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
  private async write(
    tx: Executor,
    userId: string,
    projectId: string,
    path: string,
    content: string,
    sha256: string,
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
  async upload(
    userId: string,
    input: { projectId: string; files: { path: string; sha256: string; content: string }[] },
  ) {
    const { projectId, files } = input;
    const paths = new Set<string>();
    let bytes = 0;
    for (const file of files) {
      if (paths.has(file.path)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `the upload carries ${file.path} twice` });
      }
      paths.add(file.path);
      const size = utf8Length(file.content);
      bytes += size;
      if (size > this.limits.noteBytes) {
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `${file.path} is ${size} bytes, over the limit of ${this.limits.noteBytes} bytes for a note: split it or leave it out`,
        });
      }
      if (sha256Of(file.content) !== file.sha256) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `the text of ${file.path} does not hash to the sha256 sent with it: read the file again and resend`,
        });
      }
    }
    return this.inTurn(userId, projectId, async (tx) => {
      const count = (await tx.get<{ n: number }>(sql`
        SELECT CAST(count(*) AS INTEGER) AS n FROM notes WHERE user_id = ${userId} AND project_id = ${projectId}`))!
        .n;
      const now = new Date().toISOString();
      let created = 0;
      for (const file of files) {
        const existing = await tx.get<{ pk: number; sha256: string }>(sql`
          SELECT pk, sha256 FROM notes WHERE user_id = ${userId} AND project_id = ${projectId} AND path = ${file.path}`);
        if (existing?.sha256 === file.sha256) continue;
        if (!existing && count + ++created > this.limits.notesPerProject) {
          throw new TRPCError({
            code: 'PAYLOAD_TOO_LARGE',
            message: `project ${projectId} would have more than ${this.limits.notesPerProject} notes (VLT_LIMIT_NOTES_PER_PROJECT): sync a smaller folder`,
          });
        }
        await this.write(tx, userId, projectId, file.path, file.content, file.sha256, now, existing?.pk);
      }
      return { stored: files.length, bytes };
    });
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
    if (!note)
      throw new TRPCError({ code: 'NOT_FOUND', message: `no note ${input.projectId}/${input.path}` });
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
    let rows = await this.db.noteSearch.search(scope, words, 'all');
    if (rows.length === 0 && words.length > 1) rows = await this.db.noteSearch.search(scope, words, 'any');
    return { results: rows.map(({ rank, ...row }) => ({ ...row, score: scoreOf(rank) })) };
  }

  async delete(userId: string, input: { projectId: string; path: string }) {
    return this.inTurn(userId, input.projectId, async (tx) => {
      const note = await tx.get<{ pk: number }>(sql`
        SELECT pk FROM notes WHERE user_id = ${userId} AND project_id = ${input.projectId} AND path = ${input.path}`);
      if (!note)
        throw new TRPCError({ code: 'NOT_FOUND', message: `no note ${input.projectId}/${input.path}` });
      await this.remove(tx, userId, note.pk);
      return { deleted: true as const };
    });
  }
}
