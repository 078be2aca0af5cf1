// The limits that protect the server (SPEC "Limits"), read once from the environment.
import { z } from 'zod';
import { MAX_CODE_FILE_BYTES, MAX_CODE_FILES } from '../shared/code.js';
import { MAX_NOTE_BYTES, MAX_NOTES } from '../shared/notes.js';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const LimitsSchema = z.object({
  VLT_LIMIT_BODY_BYTES: positive(1024 * 1024),
  VLT_LIMIT_BATCH_ENTRIES: positive(100),
  VLT_LIMIT_BATCH_CALLS: positive(10),
  VLT_LIMIT_CONTENT_BYTES: positive(100_000),
  VLT_LIMIT_QUESTION_CHARS: positive(2_000),
  VLT_LIMIT_PAGE_SIZE: positive(100),
  VLT_LIMIT_LOGIN_PER_USER: positive(10),
  VLT_LIMIT_LOGIN_PER_USER_TOTAL: positive(100),
  VLT_LIMIT_LOGIN_PER_ADDRESS: positive(50),
  VLT_LIMIT_LOGIN_WINDOW_SECONDS: positive(15 * 60),
  VLT_LIMIT_SIGNUP_PER_ADDRESS: positive(5),
  VLT_LIMIT_PUSH_PER_MINUTE: positive(600),
  VLT_LIMIT_SEARCH_PER_MINUTE: positive(600),
  VLT_LIMIT_ORACLE_PER_MINUTE: positive(120),
  VLT_LIMIT_NOTE_BYTES: positive(MAX_NOTE_BYTES),
  VLT_LIMIT_NOTES_PER_PROJECT: positive(MAX_NOTES),
  VLT_LIMIT_CODE_FILE_BYTES: positive(MAX_CODE_FILE_BYTES),
  VLT_LIMIT_CODE_FILES_PER_PROJECT: positive(MAX_CODE_FILES),
});

export interface Limits {
  bodyBytes: number;
  batchEntries: number;
  /** Calls in one batched HTTP request (`?batch=1`); auth.* is never batched. */
  batchCalls: number;
  contentBytes: number;
  questionChars: number;
  pageSize: number;
  /** Failed logins for one user from one address, in the window. */
  loginPerUser: number;
  /** Failed logins for one user from all addresses, in the window. */
  loginPerUserTotal: number;
  /** Failed logins from one address, for all users, in the window. */
  loginPerAddress: number;
  loginWindowMs: number;
  /** Sign-ups from one address in an hour. */
  signupPerAddress: number;
  pushPerMinute: number;
  searchPerMinute: number;
  oraclePerMinute: number;
  /** A note's text, in UTF-8 bytes (it must also fit a request body). */
  noteBytes: number;
  /** Notes in one project of one user. */
  notesPerProject: number;
  /** A source file's text, in UTF-8 bytes (`vlt code sync`). */
  codeFileBytes: number;
  /** Source files in one project of one user. */
  codeFilesPerProject: number;
}

export function readLimits(env: Record<string, string | undefined>): Limits {
  const parsed = LimitsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${String(issue?.path[0])}: ${issue?.message ?? 'invalid'}: set it to a positive whole number`,
    );
  }
  const e = parsed.data;
  return {
    bodyBytes: e.VLT_LIMIT_BODY_BYTES,
    batchEntries: e.VLT_LIMIT_BATCH_ENTRIES,
    batchCalls: e.VLT_LIMIT_BATCH_CALLS,
    contentBytes: e.VLT_LIMIT_CONTENT_BYTES,
    questionChars: e.VLT_LIMIT_QUESTION_CHARS,
    pageSize: e.VLT_LIMIT_PAGE_SIZE,
    loginPerUser: e.VLT_LIMIT_LOGIN_PER_USER,
    loginPerUserTotal: e.VLT_LIMIT_LOGIN_PER_USER_TOTAL,
    loginPerAddress: e.VLT_LIMIT_LOGIN_PER_ADDRESS,
    loginWindowMs: e.VLT_LIMIT_LOGIN_WINDOW_SECONDS * 1000,
    signupPerAddress: e.VLT_LIMIT_SIGNUP_PER_ADDRESS,
    pushPerMinute: e.VLT_LIMIT_PUSH_PER_MINUTE,
    searchPerMinute: e.VLT_LIMIT_SEARCH_PER_MINUTE,
    oraclePerMinute: e.VLT_LIMIT_ORACLE_PER_MINUTE,
    noteBytes: e.VLT_LIMIT_NOTE_BYTES,
    notesPerProject: e.VLT_LIMIT_NOTES_PER_PROJECT,
    codeFileBytes: e.VLT_LIMIT_CODE_FILE_BYTES,
    codeFilesPerProject: e.VLT_LIMIT_CODE_FILES_PER_PROJECT,
  };
}

export const DEFAULT_LIMITS: Limits = readLimits({});
