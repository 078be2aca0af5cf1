// Folders synced by content (notes, code), on the server: the rules both follow, written once.
// The manifest (every file's path, SHA-256 and size) is compared with what the user has in the
// project (shared/manifest.ts planManifest): moves, copies and deletions happen at once, in one
// transaction, and the answer names the hashes the server lacks; only those are uploaded, each
// upload checked whole (sizes, hashes, duplicates) and stored all or nothing. A kind of file says
// how one is stored, read back and removed. Every query is scoped by the user id the caller was
// authenticated as; another user's files do not exist here.
import { TRPCError } from '@trpc/server';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  inRange,
  planManifest,
  type ManifestFile,
  type ManifestPlan,
  type PathRange,
} from '../../shared/manifest.js';
import { utf8Length } from '../../shared/names.js';
import type { Executor, ServerDb } from '../db/index.js';
import type { Limits } from '../limits.js';

export const sha256Of = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const encodeCursor = (key: string) => Buffer.from(JSON.stringify(key)).toString('base64url');
export function decodeCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value === 'string' && value.length <= 2000) return value;
  } catch {
    // Falls through.
  }
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'invalid cursor: start again without one' });
}

/** What a kind of synced file is called, where it is kept, and its limits. */
export interface FileKind {
  /** Its table (user_id, project_id, path, sha256, pk). */
  table: 'notes' | 'code_files';
  /** One file in messages (`note`, `code file`), and more than one. */
  noun: string;
  nouns: string;
  /** A file's text, in UTF-8 bytes, and the setting that changes it. */
  bytes: number;
  bytesSetting: string;
  /** Files in one project of one user, and the setting that changes it. */
  perProject: number;
  perProjectSetting: string;
}

/** A file as uploaded: its place, the hash it was listed with, its text. */
export interface UploadedFile {
  path: string;
  sha256: string;
  content: string;
}

export abstract class SyncedFiles<Stored extends UploadedFile> {
  private readonly files: ReturnType<typeof sql.raw>;

  constructor(
    protected readonly db: ServerDb,
    protected readonly limits: Limits,
    protected readonly kind: FileKind,
  ) {
    this.files = sql.raw(kind.table);
  }

  /** The stored file at `pk`, as it would be uploaded again (to move or copy it). */
  protected abstract load(tx: Executor, pk: number): Promise<Stored>;
  /** Writes a file (new, or over `pk` keeping its identity) at `path`, indexed. */
  protected abstract write(
    tx: Executor,
    userId: string,
    projectId: string,
    path: string,
    file: Stored,
    updatedAt: string,
    pk: number | undefined,
  ): Promise<void>;
  /** A file gone with everything made from it, from the index too. */
  protected abstract remove(tx: Executor, userId: string, pk: number): Promise<void>;

  protected pageSize(limit: number | undefined, fallback: number): number {
    if (limit !== undefined && limit > this.limits.pageSize) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `limit ${limit} is over the page size limit of ${this.limits.pageSize}: page with the cursor`,
      });
    }
    return limit ?? Math.min(fallback, this.limits.pageSize);
  }

  /** One user's files of one kind and project change one sync at a time, on every instance. */
  protected inTurn<T>(userId: string, projectId: string, fn: (tx: Executor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await this.db.lock(tx, `${this.kind.table}:${userId}:${projectId}`);
      return fn(tx);
    });
  }

  protected tooLarge(path: string, size: number): TRPCError {
    return new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `${path} is ${size} bytes, over the limit of ${this.kind.bytes} bytes for a ${this.kind.noun}: split it or leave it out`,
    });
  }

  protected pkOf(tx: Executor, userId: string, projectId: string, path: string): Promise<number | undefined> {
    return tx
      .get<{ pk: number }>(
        sql`SELECT pk FROM ${this.files} WHERE user_id = ${userId} AND project_id = ${projectId} AND path = ${path}`,
      )
      .then((row) => row?.pk);
  }

  /**
   * Makes the project's files follow the manifest as far as the server can without their text:
   * moves and copies, and what is gone deleted (`also`, in the same transaction, applies what
   * else came with the manifest). Answers the hashes to upload.
   */
  async manifest(
    userId: string,
    input: {
      projectId: string;
      files: ManifestFile[];
      range?: PathRange | undefined;
      dryRun?: boolean | undefined;
    },
    also?: (tx: Executor) => Promise<void>,
  ) {
    const { projectId, files, range } = input;
    const { nouns, perProject, perProjectSetting } = this.kind;
    if (files.length > perProject) {
      throw new TRPCError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `the manifest lists ${files.length} ${nouns}, over the limit of ${perProject} in a project (${perProjectSetting}): sync a smaller folder`,
      });
    }
    const seen = new Set<string>();
    for (const file of files) {
      if (seen.has(file.path)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `the manifest lists ${file.path} twice` });
      }
      seen.add(file.path);
      if (file.size > this.kind.bytes) throw this.tooLarge(file.path, file.size);
      if (!inRange(file.path, range)) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `the manifest lists ${file.path}, outside its range: list each file in the range that holds it`,
        });
      }
    }
    const apply = async (tx: Executor) => {
      const all = await tx.all<{ path: string; sha256: string }>(sql`
        SELECT path, sha256 FROM ${this.files} WHERE user_id = ${userId} AND project_id = ${projectId}`);
      // A range speaks for its own paths only: the others stay as they are (and still count).
      const existing = range ? all.filter((f) => inRange(f.path, range)) : all;
      const plan = planManifest(existing, files);
      // What the plan leaves (moves keep their count); the files still to upload are counted when
      // they arrive (store), after the other ranges have deleted what left them.
      if (all.length - plan.deletes.length + plan.copies.length > perProject) {
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `project ${projectId} would have more than ${perProject} ${nouns} (${perProjectSetting}): sync a smaller folder`,
        });
      }
      if (!input.dryRun) {
        await this.applyPlan(tx, userId, projectId, plan);
        await also?.(tx);
      }
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

  private async applyPlan(tx: Executor, userId: string, projectId: string, plan: ManifestPlan) {
    const now = new Date().toISOString();
    const pkOf = (path: string) => this.pkOf(tx, userId, projectId, path);
    const removeAt = async (path: string) => {
      const pk = await pkOf(path);
      if (pk !== undefined) await this.remove(tx, userId, pk);
    };
    const moving = await Promise.all(
      plan.moves.map(async (move) => ({ ...move, pk: (await pkOf(move.from))! })),
    );
    // Moved files step aside first, so that paths can be swapped.
    for (const move of moving) {
      await tx.run(sql`UPDATE ${this.files} SET path = ${`../moving/${move.pk}`} WHERE pk = ${move.pk}`);
    }
    for (const path of plan.deletes) await removeAt(path);
    for (const move of moving) {
      await removeAt(move.to);
      const file = await this.load(tx, move.pk);
      const { updatedAt } = (await tx.get<{ updatedAt: string }>(
        sql`SELECT updated_at AS "updatedAt" FROM ${this.files} WHERE pk = ${move.pk}`,
      ))!;
      await this.write(tx, userId, projectId, move.to, file, updatedAt, move.pk);
    }
    for (const copy of plan.copies) {
      const file = await this.load(tx, (await pkOf(copy.from))!);
      await removeAt(copy.to);
      await this.write(tx, userId, projectId, copy.to, file, now, undefined);
    }
  }

  /**
   * Checks an upload before anything is stored: no path twice, each text under the byte limit
   * and hashing to the SHA-256 it came with. Answers its bytes.
   */
  protected checkUpload(files: UploadedFile[]): number {
    const paths = new Set<string>();
    let bytes = 0;
    for (const file of files) {
      if (paths.has(file.path)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `the upload carries ${file.path} twice` });
      }
      paths.add(file.path);
      const size = utf8Length(file.content);
      bytes += size;
      if (size > this.kind.bytes) throw this.tooLarge(file.path, size);
      if (sha256Of(file.content) !== file.sha256) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `the text of ${file.path} does not hash to the sha256 sent with it: read the file again and resend`,
        });
      }
    }
    return bytes;
  }

  /**
   * Stores checked files at their paths (new files, or new text for a path), in one transaction:
   * one refused file (the project's file limit) refuses the upload, and nothing of it is stored.
   */
  protected async store(userId: string, projectId: string, files: Stored[], bytes: number) {
    const { nouns, perProject, perProjectSetting } = this.kind;
    return this.inTurn(userId, projectId, async (tx) => {
      const count = (await tx.get<{ n: number }>(sql`
        SELECT CAST(count(*) AS INTEGER) AS n FROM ${this.files} WHERE user_id = ${userId} AND project_id = ${projectId}`))!
        .n;
      const now = new Date().toISOString();
      let created = 0;
      for (const file of files) {
        const existing = await tx.get<{ pk: number; sha256: string }>(sql`
          SELECT pk, sha256 FROM ${this.files} WHERE user_id = ${userId} AND project_id = ${projectId} AND path = ${file.path}`);
        if (existing?.sha256 === file.sha256) continue;
        if (!existing && count + ++created > perProject) {
          throw new TRPCError({
            code: 'PAYLOAD_TOO_LARGE',
            message: `project ${projectId} would have more than ${perProject} ${nouns} (${perProjectSetting}): sync a smaller folder`,
          });
        }
        await this.write(tx, userId, projectId, file.path, file, now, existing?.pk);
      }
      return { stored: files.length, bytes };
    });
  }

  protected notFound(projectId: string, path: string): TRPCError {
    return new TRPCError({ code: 'NOT_FOUND', message: `no ${this.kind.noun} ${projectId}/${path}` });
  }

  async delete(userId: string, input: { projectId: string; path: string }) {
    return this.inTurn(userId, input.projectId, async (tx) => {
      const pk = await this.pkOf(tx, userId, input.projectId, input.path);
      if (pk === undefined) throw this.notFound(input.projectId, input.path);
      await this.remove(tx, userId, pk);
      return { deleted: true as const };
    });
  }
}
