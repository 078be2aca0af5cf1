// What the server answers, as schemas a client checks before anything it sent reaches a vault or a
// terminal: a client trusts its server with its data, not with its disk or its screen. The rules
// are names.ts's (those of the router's input schemas); zod's small API (zod/mini), because a push
// that syncs loads this, and the full one costs it more than the push itself.
import * as z from 'zod/mini';
import {
  authorProblem,
  contentProblem,
  MAX_CONTENT_BYTES,
  MAX_INT,
  MAX_TIME,
  MIN_TIME,
  PROJECT_ID_RE,
  THREAD_ID_RE,
  TAG_RE,
  THREAD_STATUSES,
  travellingContentProblem,
  USERNAME_RE,
  utf8Length,
} from './names.js';
import { notePathProblem, SHA256_RE } from './note-names.js';
import {
  chunkLabelProblem,
  codePathProblem,
  LANGUAGE_RE,
  MAX_SIGNATURE_CHARS,
  MAX_SYMBOL_CHARS,
} from './code-names.js';

export type AnswerSchema = z.ZodMiniType;

const projectId = z.string().check(z.regex(PROJECT_ID_RE));
const threadId = z.string().check(z.regex(THREAD_ID_RE));
const threadStatus = z.enum(THREAD_STATUSES);
const count = z.int().check(z.gte(0));
const sequence = z.int().check(z.gte(0), z.lte(MAX_INT));
/** A contiguous watermark: −1 when the server has none of the thread. */
const watermark = z.int().check(z.gte(-1), z.lte(MAX_INT));
const entryId = z.uuid();
const author = z.string().check(z.refine((text) => authorProblem(text) === undefined));
const content = z
  .string()
  .check(z.refine((text) => contentProblem(text) === undefined && utf8Length(text) <= MAX_CONTENT_BYTES));
const time = z.date().check(z.gte(MIN_TIME), z.lte(MAX_TIME));
const username = z.string().check(z.regex(USERNAME_RE));

export const pushAnswer = z.object({
  syncedCount: count,
  duplicateCount: count,
  lastSyncedSequence: watermark,
});

export const syncStatusAnswer = z.object({
  lastSyncedSequence: watermark,
  lastSyncAt: z.nullable(time),
  syncError: z.nullable(z.string().check(z.maxLength(10_000))),
});

export const moveAnswer = z.object({ projectId, threadId, moved: z.boolean() });
export const setStatusAnswer = z.object({ projectId, threadId, status: threadStatus, changed: z.boolean() });

const tag = z.string().check(z.regex(TAG_RE));
const linkNote = z.string().check(z.maxLength(1000));

export const annotateAnswer = z.object({
  tagsAdded: count,
  linksSet: count,
  unknownEntries: z.array(entryId),
});

export const reviseAnswer = z.object({ entryId, deleted: z.boolean(), duplicate: z.boolean() });

export const pullPage = z.object({
  /** Edits (content) and deletions (content null) of entries handed out already. Absent from an older server. */
  revisions: z.optional(
    z.array(z.object({ entryId, revisionId: entryId, content: z.nullable(content), at: time })),
  ),
  /** Tags and links (a tag, or a link: one of the two), of entries handed out already. Absent from an older server. */
  annotations: z.optional(
    z.array(
      z.object({
        entryId,
        tag: z.nullable(tag),
        link: z.nullable(z.object({ projectId, threadId, note: z.nullable(linkNote), at: time })),
      }),
    ),
  ),
  changes: z.array(
    z.object({
      projectId,
      threadId,
      fromProjectId: z.nullable(projectId),
      status: z.nullable(threadStatus),
      changedAt: time,
    }),
  ),
  entries: z.array(
    z
      .object({
        projectId,
        threadId,
        status: threadStatus,
        threadCreatedAt: time,
        entryId,
        sequenceId: sequence,
        content: z.string().check(z.refine((text) => utf8Length(text) <= MAX_CONTENT_BYTES)),
        author,
        timestamp: time,
        /** A tombstone the server never had a text of (pushed from an export): content "". */
        deleted: z.optional(z.literal(true)),
      })
      .check(
        z.refine((e) => travellingContentProblem(e.content, e.deleted) === undefined, { path: ['content'] }),
      ),
  ),
  cursor: z.string().check(z.minLength(1), z.maxLength(200)),
  hasMore: z.boolean(),
});

const user = z.object({ username });
export const whoamiAnswer = z.object({ user });
export const loginAnswer = z.object({
  user,
  token: z.nullable(
    z.object({
      token: z.string().check(z.regex(/^\S{8,4096}$/)),
      id: z.string().check(z.minLength(1), z.maxLength(64)),
    }),
  ),
});
export const logoutAnswer = z.object({ loggedOut: z.literal(true) });

const hit = {
  entryId,
  snippet: z.string().check(z.maxLength(10_000)),
  score: z.number(),
  author,
  timestamp: time,
};

const lineNumber = z.int().check(z.gte(1), z.lte(MAX_INT));
const noteSource = z.object({
  kind: z.literal('note'),
  project: projectId,
  path: z.string().check(z.refine((path) => notePathProblem(path) === undefined)),
  title: z.string().check(z.maxLength(1_000)),
  heading: z.string().check(z.maxLength(1_000)),
  startLine: lineNumber,
  endLine: lineNumber,
  snippet: hit.snippet,
  score: hit.score,
  timestamp: time,
});
const codePath = z.string().check(z.refine((path) => codePathProblem(path) === undefined));
const label = (max: number) =>
  z.string().check(z.refine((text) => chunkLabelProblem(text, max) === undefined));
const codeSource = z.object({
  kind: z.literal('code'),
  project: projectId,
  path: codePath,
  symbol: label(MAX_SYMBOL_CHARS),
  container: label(MAX_SYMBOL_CHARS),
  signature: label(MAX_SIGNATURE_CHARS),
  language: z.string().check(z.regex(LANGUAGE_RE)),
  startLine: lineNumber,
  endLine: lineNumber,
  snippet: hit.snippet,
  score: hit.score,
  timestamp: time,
});
const entrySource = z.object({
  kind: z.optional(z.literal('entry')),
  project: projectId,
  thread: threadId,
  seq: sequence,
  ...hit,
});

export const oracleAnswer = z.object({
  answer: z.string().check(z.maxLength(100_000)),
  mode: z.enum(['extractive', 'llm', 'extractive-fallback']),
  note: z.nullable(z.string().check(z.maxLength(2_000))),
  sources: z.array(z.union([noteSource, codeSource, entrySource])).check(z.maxLength(100)),
});

export const searchAnswer = z.object({
  results: z.array(z.object({ projectId, threadId, sequenceId: sequence, ...hit })).check(z.maxLength(1000)),
});

const notePath = z.string().check(z.refine((path) => notePathProblem(path) === undefined));

const sha256 = z.string().check(z.regex(SHA256_RE));
const move = z.object({ from: notePath, to: notePath });

export const notesManifestAnswer = z.object({
  missing: z.array(sha256).check(z.maxLength(100_000)),
  unchanged: count,
  moved: z.array(move).check(z.maxLength(100_000)),
  copied: z.array(move).check(z.maxLength(100_000)),
  deleted: z.array(notePath).check(z.maxLength(100_000)),
});

export const notesUploadAnswer = z.object({ stored: count, bytes: count });

const codeMove = z.object({ from: codePath, to: codePath });
export const codeManifestAnswer = z.object({
  missing: z.array(sha256).check(z.maxLength(100_000)),
  unchanged: count,
  moved: z.array(codeMove).check(z.maxLength(100_000)),
  copied: z.array(codeMove).check(z.maxLength(100_000)),
  deleted: z.array(codePath).check(z.maxLength(100_000)),
});
export const codeUploadAnswer = notesUploadAnswer;

/** What a wrong field is called in a message, by its key in an answer. */
const FIELD_NAMES: Record<string, string> = {
  projectId: 'project id',
  fromProjectId: 'project id',
  project: 'project id',
  threadId: 'thread name',
  thread: 'thread name',
  entryId: 'entry id',
  sequenceId: 'sequence',
  seq: 'sequence',
  lastSyncedSequence: 'sequence',
  author: 'author',
  content: 'entry content',
  timestamp: 'timestamp',
  threadCreatedAt: 'timestamp',
  changedAt: 'timestamp',
  lastSyncAt: 'timestamp',
  status: 'status',
  username: 'user name',
  token: 'token',
  cursor: 'cursor',
  missing: 'hash',
  unknownEntries: 'entry id',
  tag: 'tag',
  note: 'link note',
  from: 'note path',
  to: 'note path',
  deleted: 'note path',
};

const SHOWN_CHARS = 16;

function shown(value: unknown): string {
  if (typeof value === 'string') {
    const chars = [...value];
    return `'${chars.length > SHOWN_CHARS ? `${chars.slice(0, SHOWN_CHARS - 6).join('')}…` : value}'`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString();
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}

/**
 * `data` as `schema` has it, or what is wrong with it in a few words (`an invalid thread name
 * '../../Evil…'`), naming the first wrong field and a short, quoted start of its value.
 */
export function checkAnswer<S extends AnswerSchema>(
  schema: S,
  data: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; problem: string } {
  const parsed = z.safeParse(schema, data);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  let value: unknown = data;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | null | undefined)?.[key];
  const key = [...path].reverse().find((k): k is string => typeof k === 'string');
  const field =
    key === undefined ? 'answer' : Object.hasOwn(FIELD_NAMES, key) ? FIELD_NAMES[key] : `${key} field`;
  if (value === undefined) return { ok: false, problem: `an answer without its ${field}` };
  return { ok: false, problem: `an invalid ${field} ${shown(value)}` };
}
