// The rules of synced code apart from the parser and the index (shared/code.ts): a code file's
// path, the repository's web address (`[code] url`), and the shape of a chunk as the CLI sends it
// to the server. Light, like note-names.ts: the CLI's answer checks load it.
import { CONTROL, relativePathProblem } from './file-paths.js';

/** What a chunk is. */
export const CHUNK_KINDS = ['function', 'method', 'class', 'type', 'variable', 'module', 'lines'] as const;
export type ChunkKind = (typeof CHUNK_KINDS)[number];

/** A chunk's place and names, as `vlt code sync` sends it (the server cuts its text from the file's lines). */
export interface ChunkPlace {
  kind: ChunkKind;
  symbol: string;
  container: string;
  signature: string;
  startLine: number;
  endLine: number;
}

/** A chunk's name and container are at most this many characters; its signature, MAX_SIGNATURE_CHARS. */
export const MAX_SYMBOL_CHARS = 512;
export const MAX_SIGNATURE_CHARS = 1_000;
/** A language's name as the index records it (`typescript`, `c-sharp`, `make`). */
export const LANGUAGE_RE = /^[a-z0-9][a-z0-9+#._-]{0,31}$/;
/** A repository's web address (`[code] url`) is at most this many characters. */
export const MAX_CODE_URL_CHARS = 512;

/** What is wrong with a code file's path, or undefined (file-paths.ts's rule). */
export const codePathProblem = (path: string): string | undefined => relativePathProblem(path, 'a code path');

/**
 * What is wrong with a repository's web address, or undefined: a plain http(s) URL without a user
 * or password in it, without a query or fragment (a file's path and lines are appended to it),
 * quotes, angle brackets or backslashes, and without invisible or reordering characters (a right-to-left override), as
 * it is shown to people and put behind links. A project file may come with a repository someone
 * else wrote, and the server shows the address to whoever reads the code.
 */
export function codeUrlProblem(url: string): string | undefined {
  const problem =
    'must be an http(s) address like https://github.com/org/repo/blob/main (no query, fragment, quotes or angle brackets: a path and a line are added to it)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return problem;
  }
  if (
    !/^https?:$/.test(parsed.protocol) ||
    url.length > MAX_CODE_URL_CHARS ||
    CONTROL.test(url) ||
    /[\p{Cf}\p{Z}]/u.test(url) ||
    parsed.username !== '' ||
    parsed.password !== '' ||
    /[?#"'<>`\\]/.test(url)
  ) {
    return problem;
  }
  return undefined;
}

/**
 * What is wrong with a chunk's name, container or signature, or undefined: one line of text
 * without control or reordering characters (it is shown in citations and on terminals).
 */
export function chunkLabelProblem(text: string, max: number): string | undefined {
  if ([...text].length > max) return `is over ${max} characters`;
  if (CONTROL.test(text) || /[\u202a-\u202e\u2066-\u2069]/.test(text)) return 'holds a control character';
  return undefined;
}

/** A name, container or signature made fit to send: control and reordering characters as U+FFFD, cut to `max`. */
export function cleanLabel(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean;
}
