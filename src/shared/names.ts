// Identifiers and limits of the contract (SPEC "Names and identities"), as pure checks.
import { usageError } from './errors.js';

export const PROJECT_ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const THREAD_ID_RE = /^[a-z0-9][a-z0-9-]{0,127}$/;
export const TAG_RE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** The most tags and links one `threads.annotate` carries. */
export const MAX_ANNOTATIONS = 100;

/**
 * Whether a link's note `a` replaces `b`: made later (ISO times), or at the same time with the
 * greater note, so that the server and every machine keep the same one whatever order they see
 * them in. The same note at the same time is not later: nothing changes.
 */
/** Which of two revisions of an entry stands: the later, then the greater id (the same on every side). */
export const laterRevision = (
  a: { at: string; revisionId: string },
  b: { at: string; revisionId: string },
): boolean => (a.at !== b.at ? a.at > b.at : a.revisionId > b.revisionId);

export function laterLink(
  a: { at: string; note: string | null },
  b: { at: string; note: string | null },
): boolean {
  if (a.at !== b.at) return a.at > b.at;
  return (a.note ?? '') > (b.note ?? '');
}
export const USERNAME_RE = /^[a-z0-9][a-z0-9_.-]{1,31}$/;
export const MAX_CONTENT_BYTES = 100_000;
export const MAX_AUTHOR_CHARS = 64;
export const THREAD_STATUSES = ['active', 'archived', 'blocked'] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];

/** "My App" → "my-app": lower case, runs of anything else become one hyphen. */
export function slugify(name: string, maxLength = 64): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

export function checkProjectId(id: string): string {
  if (!PROJECT_ID_RE.test(id)) {
    throw usageError(
      `invalid project id '${id}': use 1-64 lower-case letters, digits and hyphens, starting with a letter or digit`,
    );
  }
  return id;
}

export function checkThreadId(id: string): string {
  if (!THREAD_ID_RE.test(id)) {
    throw usageError(
      `invalid thread name '${id}': use 1-128 lower-case letters, digits and hyphens, starting with a letter or digit (e.g. auth-refactor)`,
    );
  }
  return id;
}

export interface ThreadRef {
  /** Undefined when the reference named only the thread: the current project applies. */
  project: string | undefined;
  thread: string;
}

/** Parses `thread` or `project/thread` as typed on the command line. */
export function parseThreadRef(ref: string): ThreadRef {
  const parts = ref.split('/');
  if (parts.length === 1) return { project: undefined, thread: checkThreadId(ref) };
  if (parts.length === 2) {
    return { project: checkProjectId(parts[0] ?? ''), thread: checkThreadId(parts[1] ?? '') };
  }
  throw usageError(`invalid thread '${ref}': write it as 'thread' or 'project/thread'`);
}

/** An entry named by its place, as the CLI prints it: `thread/seq`, `project/thread/seq` or `#` for the last `/`. */
export interface EntryPlace {
  project: string | undefined;
  thread: string;
  seq: number;
}

const ENTRY_PLACE_RE = /^(?:([a-z0-9][a-z0-9-]{0,63})\/)?([a-z0-9][a-z0-9-]{0,127})[/#](\d{1,10})$/;

/**
 * An entry's place (`auth-refactor/3`, `my-app/auth-refactor/3`, `auth-refactor#3`,
 * `my-app/auth-refactor#3`), or undefined when `ref` is not one (an id or an id prefix, say).
 */
export function parseEntryPlace(ref: string): EntryPlace | undefined {
  const match = ENTRY_PLACE_RE.exec(ref);
  if (!match) return undefined;
  const seq = Number(match[3]);
  if (seq > MAX_INT) return undefined;
  return { project: match[1], thread: match[2] ?? '', seq };
}

/** A `--limit` as typed: a whole number from 1 to `max`. */
export function checkLimit(text: string, max: number, flag = '--limit'): number {
  const limit = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(limit) || limit < 1 || limit > max) {
    const range = max >= MAX_INT ? '1 or more' : `from 1 to ${max}`;
    throw usageError(`${flag} must be a whole number ${range}, not '${text}'`);
  }
  return limit;
}

export function checkStatus(status: string): ThreadStatus {
  if (!(THREAD_STATUSES as readonly string[]).includes(status)) {
    throw usageError(`invalid status '${status}': use one of ${THREAD_STATUSES.join(', ')}`);
  }
  return status as ThreadStatus;
}

export function utf8Length(text: string): number {
  // TextEncoder is in every runtime this code targets; counting avoids a Buffer dependency.
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The highest sequence, cursor or page number anywhere: PostgreSQL's integer. */
export const MAX_INT = 2_147_483_647;
/** Times of entries and threads: from 1970 to the end of year 9999 (ISO text then sorts as time). */
export const MIN_TIME = new Date('1970-01-01T00:00:00.000Z');
export const MAX_TIME = new Date('9999-12-31T23:59:59.999Z');

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional overrides and isolates: they make text display in another order than it is stored. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What is wrong with an entry's content, or undefined (the byte limit is checked apart: the
 * server's is configurable). The CLI and the server apply the same rules.
 */
export function contentProblem(content: string): string | undefined {
  if (content.trim().length === 0) return 'entry content is empty';
  if (content.includes('\u0000'))
    return 'entry content holds a NUL character (\\0): vlt stores text, remove it';
  if (LONE_SURROGATE.test(content))
    return 'entry content is not valid Unicode (a lone surrogate): send UTF-8 text';
  return undefined;
}

/**
 * What is wrong with an entry's content as it travels (a push, a pull, an export line), or
 * undefined: a deleted entry that never had a text here (a tombstone from an export) travels as
 * `deleted: true` with content "", every other entry with a text `contentProblem` accepts.
 */
export function travellingContentProblem(content: string, deleted: boolean | undefined): string | undefined {
  if (deleted) return content === '' ? undefined : 'a deleted entry carries no content: send ""';
  return contentProblem(content);
}

/** What is wrong with an author's name, or undefined: 1-64 characters of one line, as the CLI writes them. */
export function authorProblem(author: string): string | undefined {
  if (author !== author.trim() || author.length === 0 || [...author].length > MAX_AUTHOR_CHARS) {
    return `an author is 1-${MAX_AUTHOR_CHARS} characters without leading or trailing spaces`;
  }
  if (CONTROL.test(author) || BIDI_CONTROL.test(author)) {
    return 'an author is one line of text without control or bidirectional-override characters';
  }
  if (LONE_SURROGATE.test(author)) return 'an author is not valid Unicode (a lone surrogate)';
  return undefined;
}

export function checkContent(content: string): string {
  const problem = contentProblem(content);
  if (problem === 'entry content is empty') {
    throw usageError('entry content is empty: write some text, or pass - to read it from stdin');
  }
  if (problem) throw usageError(problem);
  const bytes = utf8Length(content);
  if (bytes > MAX_CONTENT_BYTES) {
    throw usageError(
      `entry content is ${bytes} bytes, over the limit of ${MAX_CONTENT_BYTES} bytes: split it into several entries`,
    );
  }
  return content;
}

export function checkAuthor(author: string): string {
  const trimmed = author.trim();
  if (authorProblem(trimmed)) {
    throw usageError(
      `invalid author ${JSON.stringify(author)}: use 1-${MAX_AUTHOR_CHARS} characters on one line, without control characters`,
    );
  }
  return trimmed;
}

export function checkTag(tag: string): string {
  const normalized = tag.replace(/^#/, '').toLowerCase();
  if (!TAG_RE.test(normalized)) {
    throw usageError(
      `invalid tag '${tag}': use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit`,
    );
  }
  return normalized;
}
