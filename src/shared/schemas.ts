// Input schemas of the router (zod), shared so that clients validate with the same rules.
import { z } from 'zod';
import { PROJECT_ID_RE, THREAD_ID_RE, THREAD_STATUSES, MAX_AUTHOR_CHARS } from './names.js';

export const USERNAME_RE = /^[a-z0-9][a-z0-9_.-]{1,31}$/;

export const projectId = z
  .string()
  .regex(PROJECT_ID_RE, 'a project id is 1-64 lower-case letters, digits and hyphens');
export const threadId = z
  .string()
  .regex(THREAD_ID_RE, 'a thread id is 1-128 lower-case letters, digits and hyphens');
export const threadStatus = z.enum(THREAD_STATUSES);
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(USERNAME_RE, 'a username is 2-32 lower-case letters, digits, ".", "_" or "-"');
export const password = z
  .string()
  .min(8, 'a password has at least 8 characters')
  .max(1024, 'a password has at most 1024 characters');

export const credentials = z.object({ username, password });
export const loginInput = credentials.extend({
  /** The CLI asks for an API token instead of a session cookie. */
  token: z
    .object({
      name: z.string().trim().min(1).max(64).default('vlt CLI'),
      expiresDays: z.number().int().min(1).max(3650).optional(),
    })
    .optional(),
});

export const tokenCreateInput = z.object({
  name: z.string().trim().min(1, 'a token needs a label').max(64, 'a token label has at most 64 characters'),
  expiresDays: z.number().int().min(1).max(3650).optional(),
});
export const tokenRevokeInput = z.object({ id: z.string().min(1).max(64) });

export const entryInput = z.object({
  entryId: z.uuid({ message: 'an entry id is a UUID' }),
  sequenceId: z.number().int().min(0),
  // The byte limit is the server's (configurable) and is checked there with a message naming it.
  content: z.string().min(1, 'entry content is empty'),
  author: z.string().min(1).max(MAX_AUTHOR_CHARS),
  timestamp: z.date(),
});

export const pushInput = z.object({
  projectId,
  threadId,
  status: threadStatus.default('active'),
  createdAt: z.date(),
  entries: z.array(entryInput).min(1, 'a push carries at least one entry'),
});

export const threadKey = z.object({ projectId, threadId });
export const moveInput = threadKey.extend({ toProjectId: projectId });
export const setStatusInput = threadKey.extend({ status: threadStatus });
export const watchInput = threadKey.extend({ afterSequence: z.number().int().min(-1) });
export const cursor = z.string().max(200).optional();
export const pageLimit = z.number().int().min(1).optional();

export const listInput = z
  .object({ projectId: projectId.optional(), status: threadStatus.optional(), cursor, limit: pageLimit })
  .default({});
export const getInput = threadKey.extend({ cursor, limit: pageLimit });
export const searchInput = z.object({
  query: z.string().trim().min(1, 'the search is empty').max(2000),
  projectId: projectId.optional(),
  threadId: threadId.optional(),
  limit: pageLimit,
});
export const pullInput = z.object({ cursor, projectId: projectId.optional(), limit: pageLimit }).default({});

export type PushInput = z.infer<typeof pushInput>;

export const oracleInput = z.object({
  // The character limit is the server's (configurable) and is checked there with a message naming it.
  question: z.string().trim().min(1, 'ask a question'),
  projectId: projectId.optional(),
  limit: z.number().int().min(1).max(20).optional(),
});
