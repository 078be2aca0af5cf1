// What the server answers, as schemas a client checks before anything it sent reaches a vault or a
// terminal: a client trusts its server with its data, not with its disk or its screen.
import { z } from 'zod';
import { MAX_AUTHOR_CHARS, MAX_CONTENT_BYTES, utf8Length } from './names.js';
import { projectId, threadId, threadStatus, USERNAME_RE } from './schemas.js';

/** The highest sequence a client takes from a server: far beyond any thread, well inside SQLite's integers. */
export const MAX_SEQUENCE = 2 ** 31 - 1;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const sequence = z.number().int().min(0).max(MAX_SEQUENCE);
/** A contiguous watermark: −1 when the server has none of the thread. */
const watermark = z.number().int().min(-1).max(MAX_SEQUENCE);
const entryId = z.uuid();
const author = z
  .string()
  .min(1)
  .refine((text) => [...text].length <= MAX_AUTHOR_CHARS);
const content = z
  .string()
  .min(1)
  .refine((text) => utf8Length(text) <= MAX_CONTENT_BYTES);
/** A real instant between 1970 and 9999, so that its ISO form sorts and prints as expected. */
const timestamp = z
  .date()
  .min(new Date(Date.UTC(1970, 0, 1)))
  .max(new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)));
const username = z.string().regex(USERNAME_RE);

export const pushAnswer = z.object({
  syncedCount: count,
  duplicateCount: count,
  lastSyncedSequence: watermark,
});

export const syncStatusAnswer = z.object({
  lastSyncedSequence: watermark,
  lastSyncAt: timestamp.nullable(),
  syncError: z.string().max(10_000).nullable(),
});

export const moveAnswer = z.object({ projectId, threadId, moved: z.boolean() });
export const setStatusAnswer = z.object({ projectId, threadId, status: threadStatus, changed: z.boolean() });

export const pullPage = z.object({
  changes: z.array(
    z.object({
      projectId,
      threadId,
      fromProjectId: projectId.nullable(),
      status: threadStatus.nullable(),
      changedAt: timestamp,
    }),
  ),
  entries: z.array(
    z.object({
      projectId,
      threadId,
      status: threadStatus,
      threadCreatedAt: timestamp,
      entryId,
      sequenceId: sequence,
      content,
      author,
      timestamp,
    }),
  ),
  cursor: z.string().min(1).max(200),
  hasMore: z.boolean(),
});

const user = z.object({ username });
export const whoamiAnswer = z.object({ user });
export const loginAnswer = z.object({
  user,
  token: z
    .object({
      token: z.string().regex(/^\S{8,4096}$/),
      id: z.string().min(1).max(64),
    })
    .nullable(),
});
export const logoutAnswer = z.object({ loggedOut: z.literal(true) });

export const oracleAnswer = z.object({
  answer: z.string().max(100_000),
  mode: z.enum(['extractive', 'llm', 'extractive-fallback']),
  note: z.string().max(2_000).nullable(),
  sources: z
    .array(
      z.object({
        project: projectId,
        thread: threadId,
        entryId,
        seq: sequence,
        snippet: z.string().max(10_000),
        score: z.number(),
        author,
        timestamp,
      }),
    )
    .max(100),
});

export const searchAnswer = z.object({
  results: z
    .array(
      z.object({
        projectId,
        threadId,
        entryId,
        sequenceId: sequence,
        snippet: z.string().max(10_000),
        score: z.number(),
        author,
        timestamp,
      }),
    )
    .max(1000),
});

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
export function checkAnswer<S extends z.ZodType>(
  schema: S,
  data: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; problem: string } {
  const parsed = schema.safeParse(data);
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
