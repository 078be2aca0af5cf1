// The limits that protect the server (SPEC "Limits"), read once from the environment.
import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const LimitsSchema = z.object({
  VLT_LIMIT_BODY_BYTES: positive(1024 * 1024),
  VLT_LIMIT_BATCH_ENTRIES: positive(100),
  VLT_LIMIT_CONTENT_BYTES: positive(100_000),
  VLT_LIMIT_QUESTION_CHARS: positive(2_000),
  VLT_LIMIT_PAGE_SIZE: positive(100),
  VLT_LIMIT_LOGIN_PER_USER: positive(10),
  VLT_LIMIT_LOGIN_PER_ADDRESS: positive(50),
  VLT_LIMIT_LOGIN_WINDOW_SECONDS: positive(15 * 60),
  VLT_LIMIT_PUSH_PER_MINUTE: positive(600),
});

export interface Limits {
  bodyBytes: number;
  batchEntries: number;
  contentBytes: number;
  questionChars: number;
  pageSize: number;
  loginPerUser: number;
  loginPerAddress: number;
  loginWindowMs: number;
  pushPerMinute: number;
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
    contentBytes: e.VLT_LIMIT_CONTENT_BYTES,
    questionChars: e.VLT_LIMIT_QUESTION_CHARS,
    pageSize: e.VLT_LIMIT_PAGE_SIZE,
    loginPerUser: e.VLT_LIMIT_LOGIN_PER_USER,
    loginPerAddress: e.VLT_LIMIT_LOGIN_PER_ADDRESS,
    loginWindowMs: e.VLT_LIMIT_LOGIN_WINDOW_SECONDS * 1000,
    pushPerMinute: e.VLT_LIMIT_PUSH_PER_MINUTE,
  };
}

export const DEFAULT_LIMITS: Limits = readLimits({});
