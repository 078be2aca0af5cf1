// The server half of `vlt notes sync` and `vlt code sync`, one protocol for both: the manifest of
// the folder ({path, sha256, size} of every file) goes to the server, which applies moves, copies
// and deletions and answers the hashes it lacks (a manifest over the body limit goes in ranges of
// paths, each applied alone: manifest.ts PathRange); only the files with those hashes are uploaded, in
// requests under the 1 MiB body limit (a request the server still finds too large is split in two).
// Every file's request size is known before the first upload is sent, so a file too large for any
// request stops the sync before anything is sent.
import { VltError } from '../../shared/errors.js';
import {
  manifestRanges,
  MAX_UPLOAD_FILES,
  type ManifestFile,
  type PathRange,
} from '../../shared/manifest.js';
import type { CodeFile } from '../code/folder.js';
import type { VaultCode } from '../vault/code.js';
import type { Api } from './client.js';
import { callServer, type Connection } from './run.js';

/** The contract's request body limit, less room for the request's own framing. */
export const UPLOAD_BUDGET = 1024 * 1024 - 16 * 1024;

export interface ServerSync {
  url: string;
  missing: number;
  uploaded: number;
  uploadedBytes: number;
  requests: number;
  moved: { from: string; to: string }[];
  copied: { from: string; to: string }[];
  deleted: string[];
  unchanged: number;
}

/** What the server answers a manifest. */
export interface ManifestAnswer {
  missing: string[];
  unchanged: number;
  moved: { from: string; to: string }[];
  copied: { from: string; to: string }[];
  deleted: string[];
}

/** One kind of synced folder: its procedures, and a file as it is uploaded. */
export interface FolderKind<F extends ManifestFile, U> {
  manifest(files: ManifestFile[], dryRun: boolean, range: PathRange | undefined): Promise<ManifestAnswer>;
  upload(batch: U[]): Promise<{ bytes: number }>;
  /** A file as uploaded (its text read again when the batch is sent). */
  toUpload(file: F): U;
  /** How to leave a file out, for the message about one too large to send: `[notes] exclude`. */
  exclude: string;
}

const encodedSize = (upload: unknown) => Buffer.byteLength(JSON.stringify(upload)) + 1;

/**
 * The files as upload requests, each under UPLOAD_BUDGET and of at most MAX_UPLOAD_FILES files
 * (what the server takes in one), by index into `files`; a file that
 * cannot fit one is refused. Each upload is made and measured, then let go: the requests are made
 * again when they are sent, so that a sync holds one request's files at a time.
 */
export function uploadBatches<F extends { path: string }>(
  files: F[],
  toUpload: (file: F) => unknown,
  exclude: string,
): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let size = 0;
  files.forEach((file, i) => {
    const bytes = encodedSize(toUpload(file));
    if (bytes > UPLOAD_BUDGET) {
      throw new VltError(
        `${file.path} takes ${bytes} bytes once encoded for upload, over the 1 MiB request limit: split it, or leave it out with ${exclude} in vlt.toml`,
      );
    }
    if (batch.length > 0 && (size + bytes > UPLOAD_BUDGET || batch.length >= MAX_UPLOAD_FILES)) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(i);
    size += bytes;
  });
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export async function syncFolder<F extends ManifestFile, U>(
  conn: Connection,
  files: F[],
  kind: FolderKind<F, U>,
  options: { dryRun: boolean; onProgress?: (done: number, total: number) => void },
): Promise<ServerSync> {
  const entry = (f: F): ManifestFile => ({ path: f.path, sha256: f.sha256, size: f.size });
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // Ranges of paths whose manifests each fit a request; one (sent without a range) when all fit.
  const parts = manifestRanges(sorted, (group) => encodedSize(group.map(entry)), UPLOAD_BUDGET);
  const answer: Omit<ManifestAnswer, 'missing'> = { unchanged: 0, moved: [], copied: [], deleted: [] };
  const toSend: F[] = [];
  for (const part of parts) {
    const range = parts.length > 1 ? part.range : undefined;
    const got = await callServer(conn, async () => {
      try {
        return await kind.manifest(part.files.map(entry), options.dryRun, range);
      } catch (error) {
        const { classify } = await import('./client.js');
        const failure = classify(error);
        // A server older than ranges has no `*.manifestRange`: say so (it never took one range
        // for the whole folder).
        if (range && failure.kind === 'rejected' && failure.code === 'NOT_FOUND') {
          throw new VltError(
            `${conn.url} takes a manifest of at most about 8,000 files and this folder has ${files.length}: upgrade vlt-server, or sync a smaller folder`,
          );
        }
        throw error;
      }
    });
    answer.unchanged += got.unchanged;
    answer.moved.push(...got.moved);
    answer.copied.push(...got.copied);
    answer.deleted.push(...got.deleted);
    // Each range's own files with the hashes it lacks (a text may be held in one range and lack in another).
    const lacking = new Set(got.missing);
    toSend.push(...part.files.filter((file) => lacking.has(file.sha256)));
  }
  // Every file is measured before anything is sent.
  const batches = uploadBatches(options.dryRun ? [] : toSend, kind.toUpload, kind.exclude);
  const result: ServerSync = {
    url: conn.url,
    missing: toSend.length,
    uploaded: 0,
    uploadedBytes: 0,
    requests: 0,
    moved: answer.moved,
    copied: answer.copied,
    deleted: answer.deleted,
    unchanged: answer.unchanged,
  };
  const send = async (batch: F[]): Promise<void> => {
    try {
      result.requests++;
      const stored = await kind.upload(batch.map(kind.toUpload));
      result.uploaded += batch.length;
      result.uploadedBytes += stored.bytes;
      options.onProgress?.(result.uploaded, toSend.length);
    } catch (error) {
      const { classify } = await import('./client.js');
      // A server with a smaller body limit: halve the request.
      if (batch.length > 1 && classify(error).kind === 'too-large') {
        const half = Math.ceil(batch.length / 2);
        await send(batch.slice(0, half));
        await send(batch.slice(half));
        return;
      }
      await callServer(conn, () => Promise.reject(error as Error));
    }
  };
  for (const batch of batches) await send(batch.map((i) => toSend[i]!));
  return result;
}

/** A notes folder's kind: `notes.manifest` and `notes.upload`, each note's text as it is. */
export function notesKind(
  api: Api,
  project: string,
): FolderKind<ManifestFile & { text(): string }, { path: string; sha256: string; content: string }> {
  return {
    manifest: (files, dryRun, range) => {
      const input = { projectId: project, files, ...(dryRun ? { dryRun: true } : {}) };
      return range ? api.notes.manifestRange.mutate({ ...input, range }) : api.notes.manifest.mutate(input);
    },
    upload: (batch) => api.notes.upload.mutate({ projectId: project, files: batch }),
    toUpload: (file) => ({ path: file.path, sha256: file.sha256, content: file.text() }),
    exclude: '[notes] exclude',
  };
}

/**
 * A repository's kind: `code.manifest` (with the repository's web address: undefined leaves the
 * server's as it is, null takes it away) and `code.upload`, each file's text with its chunks' places
 * and names from the vault's index of it.
 */
export function codeKind(
  api: Api,
  project: string,
  url: string | null | undefined,
  vault: VaultCode | undefined,
) {
  const kind: FolderKind<CodeFile, Parameters<Api['code']['upload']['mutate']>[0]['files'][number]> = {
    manifest: (files, dryRun, range) => {
      const input = {
        projectId: project,
        files,
        ...(url === undefined ? {} : { url }),
        ...(dryRun ? { dryRun: true } : {}),
      };
      return range ? api.code.manifestRange.mutate({ ...input, range }) : api.code.manifest.mutate(input);
    },
    upload: (batch) => api.code.upload.mutate({ projectId: project, files: batch }),
    toUpload: (file) => {
      const chunks = vault?.chunkPlaces(project, file.path, file.sha256);
      if (!chunks) throw new VltError(`${file.path} changed while vlt was syncing it: run the command again`);
      return { path: file.path, sha256: file.sha256, language: file.language, content: file.text(), chunks };
    },
    exclude: '[code] exclude',
  };
  return kind;
}

/** `4 uploaded (41213 bytes) in 1 request; 1 moved, 2 deleted, 1197 unchanged`. */
export function describeServerSync(sync: ServerSync, dryRun: boolean): string {
  const changes = [
    sync.moved.length > 0 ? `${sync.moved.length} moved` : '',
    sync.copied.length > 0 ? `${sync.copied.length} copied` : '',
    sync.deleted.length > 0 ? `${sync.deleted.length} deleted` : '',
    `${sync.unchanged} unchanged`,
  ].filter(Boolean);
  if (dryRun) return `would upload ${sync.missing}; would apply: ${changes.join(', ')}`;
  const sent =
    sync.uploaded === 0
      ? 'nothing to upload (0 bytes sent)'
      : `${sync.uploaded} uploaded (${sync.uploadedBytes} bytes) in ${sync.requests} request${sync.requests === 1 ? '' : 's'}`;
  return `${sent}; ${changes.join(', ')}`;
}
