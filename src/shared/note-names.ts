// The rules of a note's name and text, apart from the parser (shared/notes.ts): the sync's answer
// checks load these on the push path, which never loads the parser.
import { relativePathProblem, textProblem } from './file-paths.js';

/** A note's text is at most this many UTF-8 bytes: under the 1 MiB request body, with room for the upload's framing. */
export const MAX_NOTE_BYTES = 1_000_000;
/** Notes in one project: the server's default (VLT_LIMIT_NOTES_PER_PROJECT), and the most a folder's sync takes. */
export const MAX_NOTES = 10_000;
/** A chunk aims at this many tokens (about 4 characters each), and goes over only to keep a fence whole. */
export const CHUNK_TOKENS = 900;
/** A section shorter than this is merged with the sections after it, while the chunk stays under CHUNK_TOKENS. */
export const MIN_CHUNK_TOKENS = 200;
/** A long section split in parts repeats its previous part's last block when that block is this short. */
export const OVERLAP_TOKENS = 120;

export const SHA256_RE = /^[0-9a-f]{64}$/;

/** Tokens of a text, as an estimate (4 characters a token): cheap, and the same everywhere. */
export const approxTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * What is wrong with a note's path, or undefined: a relative path (file-paths.ts) ending in `.md`.
 */
export function notePathProblem(path: string): string | undefined {
  return (
    relativePathProblem(path, 'a note path') ?? (/\.md$/i.test(path) ? undefined : 'a note path ends in .md')
  );
}

/**
 * What is wrong with a note's text, or undefined (the byte limit is checked apart): a NUL is a
 * binary file, a lone surrogate is text that was not UTF-8.
 */
export const noteContentProblem = (text: string): string | undefined => textProblem(text, 'markdown');
