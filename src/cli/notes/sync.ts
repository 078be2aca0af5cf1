// The server half of `vlt notes sync`: the manifest of the folder ({path, sha256, size} of every
// file) goes to notes.manifest, which applies moves, copies and deletions and answers the hashes
// it lacks; only the files with those hashes are uploaded, in requests under the 1 MiB body limit
// (a request the server still finds too large is split in two).
import { VltError } from '../../shared/errors.js';
import type { Api } from '../sync/client.js';
import { callServer, type Connection } from '../sync/run.js';
import type { NoteFile } from '../vault/notes.js';

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

const encodedSize = (file: { path: string; sha256: string; content: string }) =>
  Buffer.byteLength(JSON.stringify(file)) + 1;

/** The files as upload requests, each under UPLOAD_BUDGET; a file that cannot fit one is refused. */
export function uploadBatches(files: NoteFile[]): { path: string; sha256: string; content: string }[][] {
  const batches: { path: string; sha256: string; content: string }[][] = [];
  let batch: { path: string; sha256: string; content: string }[] = [];
  let size = 0;
  for (const file of files) {
    const upload = { path: file.path, sha256: file.sha256, content: file.text() };
    const bytes = encodedSize(upload);
    if (bytes > UPLOAD_BUDGET) {
      throw new VltError(
        `${file.path} takes ${bytes} bytes once encoded for upload, over the 1 MiB request limit: split it, or leave it out with [notes] exclude in vlt.toml`,
      );
    }
    if (batch.length > 0 && size + bytes > UPLOAD_BUDGET) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(upload);
    size += bytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export async function syncToServer(
  api: Api,
  conn: Connection,
  project: string,
  files: NoteFile[],
  options: { dryRun: boolean; onProgress?: (done: number, total: number) => void },
): Promise<ServerSync> {
  const manifest = files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size }));
  const answer = await callServer(conn, () =>
    api.notes.manifest.mutate({
      projectId: project,
      files: manifest,
      ...(options.dryRun ? { dryRun: true } : {}),
    }),
  );
  const missing = new Set(answer.missing);
  const toSend = files.filter((f) => missing.has(f.sha256));
  // Files are checked for size before anything is sent.
  const batches = uploadBatches(options.dryRun ? [] : toSend);
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
  const send = async (batch: { path: string; sha256: string; content: string }[]): Promise<void> => {
    try {
      result.requests++;
      const stored = await api.notes.upload.mutate({ projectId: project, files: batch });
      result.uploaded += batch.length;
      result.uploadedBytes += stored.bytes;
      options.onProgress?.(result.uploaded, toSend.length);
    } catch (error) {
      const { classify } = await import('../sync/client.js');
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
  for (const batch of batches) await send(batch);
  return result;
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
