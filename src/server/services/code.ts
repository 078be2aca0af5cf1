// Code on the server: a user's repositories per project, synced by content like notes
// (synced-files.ts). The CLI parses (tree-sitter stays on the machine that indexed the code) and
// uploads each file's text with its chunks' places and names; the server checks the text against
// its SHA-256, cuts each chunk's text from the file's lines, and indexes it (names, signatures and
// paths weighted above bodies, identifiers split: shared/code.ts codeIndexColumns). Every query is
// scoped by the user id the caller was authenticated as; another user's code does not exist here.
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { codeIndexColumns, codeUrl, type ChunkPlace } from '../../shared/code.js';
import { scoreOf } from '../../shared/fts5.js';
import type { ManifestFile, PathRange } from '../../shared/manifest.js';
import { utf8Length } from '../../shared/names.js';
import { allThenAny, searchWords } from '../../shared/search-query.js';
import type { Executor, IndexedCodeChunk, ServerDb } from '../db/index.js';
import type { Limits } from '../limits.js';
import { decodeCursor, encodeCursor, SyncedFiles, type UploadedFile } from './synced-files.js';

/** A source file as uploaded and as stored: its text, language and chunks. */
export interface CodeUpload extends UploadedFile {
  language: string;
  chunks: ChunkPlace[];
}

/** At most this many rows in one INSERT. */
const ROWS = 50;

export class Code extends SyncedFiles<CodeUpload> {
  constructor(db: ServerDb, limits: Limits) {
    super(db, limits, {
      table: 'code_files',
      noun: 'code file',
      nouns: 'code files',
      bytes: limits.codeFileBytes,
      bytesSetting: 'VLT_LIMIT_CODE_FILE_BYTES',
      perProject: limits.codeFilesPerProject,
      perProjectSetting: 'VLT_LIMIT_CODE_FILES_PER_PROJECT',
    });
  }

  /** The manifest (synced-files.ts), and the repository's web address that came with it. */
  codeManifest(
    userId: string,
    input: {
      projectId: string;
      files: ManifestFile[];
      range?: PathRange | undefined;
      url?: string | null | undefined;
      dryRun?: boolean;
    },
  ) {
    const { url } = input;
    return this.manifest(userId, input, async (tx) => {
      if (url === undefined) return;
      await tx.run(sql`
        INSERT INTO projects (user_id, id, created_at, code_url)
        VALUES (${userId}, ${input.projectId}, ${new Date().toISOString()}, ${url?.replace(/\/+$/, '') ?? null})
        ON CONFLICT (user_id, id) DO UPDATE SET code_url = excluded.code_url`);
    });
  }

  protected async load(tx: Executor, pk: number): Promise<CodeUpload> {
    const file = (await tx.get<Omit<CodeUpload, 'chunks'>>(
      sql`SELECT path, sha256, language, content FROM code_files WHERE pk = ${pk}`,
    ))!;
    const chunks = await tx.all<ChunkPlace>(sql`
      SELECT kind, symbol, container, signature, start_line AS "startLine", end_line AS "endLine"
      FROM code_chunks WHERE file_pk = ${pk} ORDER BY seq`);
    return { ...file, chunks };
  }

  protected async remove(tx: Executor, userId: string, pk: number): Promise<void> {
    await this.dropChunks(tx, userId, pk);
    await tx.run(sql`DELETE FROM code_files WHERE pk = ${pk} AND user_id = ${userId}`);
  }

  private async dropChunks(tx: Executor, userId: string, filePk: number): Promise<void> {
    const chunks = await tx.all<{ pk: number }>(sql`SELECT pk FROM code_chunks WHERE file_pk = ${filePk}`);
    await this.db.codeSearch.dropChunks(
      tx,
      userId,
      chunks.map((c) => c.pk),
    );
    await tx.run(sql`DELETE FROM code_chunks WHERE file_pk = ${filePk}`);
  }

  protected async write(
    tx: Executor,
    userId: string,
    projectId: string,
    path: string,
    file: CodeUpload,
    updatedAt: string,
    pk: number | undefined,
  ): Promise<void> {
    const size = utf8Length(file.content);
    let filePk: number;
    if (pk === undefined) {
      await tx.run(sql`
        INSERT INTO projects (user_id, id, created_at) VALUES (${userId}, ${projectId}, ${updatedAt})
        ON CONFLICT DO NOTHING`);
      filePk = (await tx.get<{ pk: number }>(sql`
        INSERT INTO code_files (user_id, project_id, path, sha256, size, language, content, updated_at)
        VALUES (${userId}, ${projectId}, ${path}, ${file.sha256}, ${size}, ${file.language}, ${file.content},
                ${updatedAt})
        RETURNING pk`))!.pk;
    } else {
      await this.dropChunks(tx, userId, pk);
      await tx.run(sql`
        UPDATE code_files SET path = ${path}, sha256 = ${file.sha256}, size = ${size}, language = ${file.language},
          content = ${file.content}, updated_at = ${updatedAt}
        WHERE pk = ${pk} AND user_id = ${userId}`);
      filePk = pk;
    }
    const lines = file.content.split('\n');
    const chunks = file.chunks.map((place, seq) => {
      const text = lines.slice(place.startLine - 1, place.endLine).join('\n');
      return { ...place, seq, text, searched: codeIndexColumns(path, { ...place, text }) };
    });
    const indexed: IndexedCodeChunk[] = [];
    for (let i = 0; i < chunks.length; i += ROWS) {
      const rows = await tx.all<{ pk: number; seq: number }>(sql`
        INSERT INTO code_chunks (user_id, file_pk, seq, kind, symbol, container, signature, start_line, end_line,
                                 content, name_text, signature_text, path_text, words)
        VALUES ${sql.join(
          chunks.slice(i, i + ROWS).map((c) => {
            const [name, signature, pathText, , words] = c.searched;
            return sql`(${userId}, ${filePk}, ${c.seq}, ${c.kind}, ${c.symbol}, ${c.container}, ${c.signature},
                        ${c.startLine}, ${c.endLine}, ${c.text}, ${name}, ${signature}, ${pathText}, ${words})`;
          }),
          sql`, `,
        )}
        RETURNING pk, seq`);
      for (const row of rows) {
        indexed.push({ pk: row.pk, filePk, projectId, searched: chunks[row.seq]!.searched });
      }
    }
    await this.db.codeSearch.indexChunks(tx, userId, indexed);
  }

  /**
   * Stores source files at their paths (new files, or new text for a path), after checking each:
   * its size, that it hashes to the SHA-256 it came with, that its chunks are within its lines.
   * One refused file refuses the upload: nothing of it is stored.
   */
  async upload(userId: string, input: { projectId: string; files: CodeUpload[] }) {
    const bytes = this.checkUpload(input.files);
    for (const file of input.files) {
      let lines = 1;
      for (let i = file.content.indexOf('\n'); i >= 0; i = file.content.indexOf('\n', i + 1)) lines++;
      const outside = file.chunks.find((c) => c.endLine > lines);
      if (outside) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `${file.path} has ${lines} lines, and a chunk ends at line ${outside.endLine}: index it again (vlt code index) and resend`,
        });
      }
    }
    return this.store(userId, input.projectId, input.files, bytes);
  }

  /** The projects' web addresses, for links to lines. */
  private async urls(userId: string, projectIds: string[]): Promise<Map<string, string>> {
    if (projectIds.length === 0) return new Map();
    const rows = await this.db.all<{ id: string; url: string | null }>(sql`
      SELECT id, code_url AS url FROM projects WHERE user_id = ${userId} AND id IN (${sql.join(
        [...new Set(projectIds)].map((id) => sql`${id}`),
        sql`, `,
      )})`);
    return new Map(rows.flatMap((row) => (row.url ? [[row.id, row.url] as const] : [])));
  }

  async list(userId: string, input: { projectId?: string; cursor?: string; limit?: number }) {
    const limit = this.pageSize(input.limit, 100);
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const rows = await this.db.all<{
      projectId: string;
      path: string;
      language: string;
      size: number;
      sha256: string;
      updatedAt: string;
      chunks: number;
      key: string;
    }>(sql`
      SELECT project_id AS "projectId", path, language, size, sha256, updated_at AS "updatedAt",
             (SELECT CAST(count(*) AS INTEGER) FROM code_chunks c WHERE c.file_pk = code_files.pk) AS chunks,
             project_id || '/' || path AS key
      FROM code_files WHERE user_id = ${userId}
        ${input.projectId ? sql`AND project_id = ${input.projectId}` : sql``}
        ${after !== undefined ? sql`AND project_id || '/' || path > ${after}` : sql``}
      ORDER BY project_id || '/' || path LIMIT ${limit + 1}`);
    const page = rows.slice(0, limit);
    return {
      files: page.map(({ key: _key, updatedAt, ...row }) => ({ ...row, updatedAt: new Date(updatedAt) })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.key) : null,
    };
  }

  /**
   * A chunk of a file, to read: the one that starts at `line`, else the first that holds it; with
   * the chunks before and after it and, when the project has a web address, its place there.
   * NOT_FOUND when the user has no such file, or no chunk there.
   */
  async get(userId: string, input: { projectId: string; path: string; line: number }) {
    const file = await this.db.get<{
      pk: number;
      language: string;
      size: number;
      sha256: string;
      updatedAt: string;
    }>(sql`
      SELECT pk, language, size, sha256, updated_at AS "updatedAt" FROM code_files
      WHERE user_id = ${userId} AND project_id = ${input.projectId} AND path = ${input.path}`);
    if (!file) throw this.notFound(input.projectId, input.path);
    const chunk = await this.db.get<ChunkPlace & { seq: number; content: string }>(sql`
      SELECT seq, kind, symbol, container, signature, start_line AS "startLine", end_line AS "endLine", content
      FROM code_chunks WHERE file_pk = ${file.pk} AND user_id = ${userId}
        AND start_line <= ${input.line} AND end_line >= ${input.line}
      ORDER BY CASE WHEN start_line = ${input.line} THEN 0 ELSE 1 END, end_line - start_line, seq LIMIT 1`);
    if (!chunk) {
      throw new TRPCError({
        code: 'NOT_FOUND',
        message: `no chunk of ${input.projectId}/${input.path} holds line ${input.line}`,
      });
    }
    const near = await this.db.all<{ seq: number; startLine: number }>(sql`
      SELECT seq, start_line AS "startLine" FROM code_chunks
      WHERE file_pk = ${file.pk} AND user_id = ${userId} AND seq IN (${chunk.seq - 1}, ${chunk.seq + 1})`);
    const base = (await this.urls(userId, [input.projectId])).get(input.projectId);
    const place = { path: input.path, startLine: chunk.startLine, endLine: chunk.endLine };
    return {
      file: {
        projectId: input.projectId,
        path: input.path,
        language: file.language,
        size: file.size,
        sha256: file.sha256,
        updatedAt: new Date(file.updatedAt),
      },
      chunk,
      previous: near.find((c) => c.seq === chunk.seq - 1)?.startLine ?? null,
      next: near.find((c) => c.seq === chunk.seq + 1)?.startLine ?? null,
      url: base ? codeUrl(base, place) : null,
    };
  }

  async search(userId: string, input: { query: string; projectId?: string; limit?: number }) {
    const limit = this.pageSize(input.limit, 20);
    const words = searchWords(input.query);
    if (words.length === 0) return { results: [] };
    const scope = { userId, projectId: input.projectId, limit };
    const rows = await allThenAny(
      words,
      (some, mode) => this.db.codeSearch.search(scope, some, mode),
      (terms) => this.db.codeSearch.documentCounts(userId, terms),
    );
    const urls = await this.urls(
      userId,
      rows.map((r) => r.projectId),
    );
    return {
      results: rows.map(({ rank, ...row }) => {
        const base = urls.get(row.projectId);
        return { ...row, score: scoreOf(rank), url: base ? codeUrl(base, row) : null };
      }),
    };
  }
}
