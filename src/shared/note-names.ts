// The rules of a note's name and text, apart from the parser (shared/notes.ts): the sync's answer
// checks load these on the push path, which never loads the parser.

/** A note's text is at most this many UTF-8 bytes: under the 1 MiB request body, with room for the upload's framing. */
export const MAX_NOTE_BYTES = 1_000_000;
/** A note's path (relative, `/`-separated) is at most this many characters. */
export const MAX_NOTE_PATH_CHARS = 512;
/** A chunk aims at this many tokens (about 4 characters each), and goes over only to keep a fence whole. */
export const CHUNK_TOKENS = 900;
/** A section shorter than this is merged with the sections after it, while the chunk stays under CHUNK_TOKENS. */
export const MIN_CHUNK_TOKENS = 200;
/** A long section split in parts repeats its previous part's last block when that block is this short. */
export const OVERLAP_TOKENS = 120;

export const SHA256_RE = /^[0-9a-f]{64}$/;

/** Tokens of a text, as an estimate (4 characters a token): cheap, and the same everywhere. */
export const approxTokens = (text: string): number => Math.ceil(text.length / 4);

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What is wrong with a note's path, or undefined: relative, `/`-separated, ending in `.md`, no
 * `.` or `..` segment, no empty segment, no control character, no backslash.
 */
export function notePathProblem(path: string): string | undefined {
  if (path.length === 0) return 'a note path is empty';
  if (path.length > MAX_NOTE_PATH_CHARS) return `a note path is at most ${MAX_NOTE_PATH_CHARS} characters`;
  if (path.includes('\u0000')) return 'a note path holds a NUL character';
  if (CONTROL.test(path)) return 'a note path holds a control character';
  if (LONE_SURROGATE.test(path)) return 'a note path is not valid Unicode';
  if (path.includes('\\')) return "a note path uses '/' between folders, not '\\'";
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'a note path is relative, not absolute';
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return "a note path has no '..' segment";
  if (segments.some((s) => s === '.' || s === '')) return "a note path has no empty or '.' segment";
  if (!/\.md$/i.test(path)) return 'a note path ends in .md';
  return undefined;
}

/**
 * What is wrong with a note's text, or undefined (the byte limit is checked apart): a NUL is a
 * binary file, a lone surrogate is text that was not UTF-8.
 */
export function noteContentProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'it holds NUL bytes (a binary file, not markdown)';
  if (LONE_SURROGATE.test(text)) return 'it is not valid UTF-8 text';
  return undefined;
}
