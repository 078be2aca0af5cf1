// The server's settings from the environment, parsed once with zod in this one module (the limits'
// own schema is in limits.ts): each invalid value is one line naming the variable and what it
// takes. Services and engines get their parts passed down; nothing else reads process.env.
import { z } from 'zod';
import { readLimits, type Limits } from './limits.js';
import type { EmbeddingsConfig } from './services/embeddings.js';
import type { LlmConfig } from './services/llm.js';

export type SignupPolicy = 'first-user' | 'open' | 'closed';

export interface ServerSettings {
  limits: Limits;
  /**
   * Who may make an account through `auth.signup`: the first user only (the default: then the
   * operator adds users with `vlt-server user add`), anyone (`open`), or no one (`closed`).
   */
  signup: SignupPolicy;
  /**
   * Express's `trust proxy`: false (the default: the client address is the socket's), a number of
   * proxies in front, or the proxies' addresses ("loopback", "10.0.0.0/8, 127.0.0.1"). When set,
   * the client address comes from X-Forwarded-For, which only a trusted proxy may set.
   */
  trustProxy: boolean | number | string;
  /** Mark cookies Secure and name the session cookie `__Host-vlt_session` (behind HTTPS). */
  secureCookies: boolean;
  /** PostgreSQL connections per instance. */
  databasePool: number;
  /** The key of session and token digests on PostgreSQL (base64, 32 bytes or more), if given. */
  secret: Buffer | undefined;
  /** An OpenAI-compatible chat endpoint for the Oracle's answers, if configured. */
  llm: LlmConfig | undefined;
  /** An OpenAI-compatible embeddings endpoint for semantic retrieval, if configured. */
  embeddings: EmbeddingsConfig | undefined;
  /** The request log on stdout: none, a line per request, or with who and from where. */
  log: LogLevel;
}

export type LogLevel = 'off' | 'info' | 'debug';

const PROXY_ITEM = /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i;

/** Unset and empty are the same: the default. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);

const wholeNumber = (name: string, fallback: number) =>
  optional(
    z.coerce
      .number({ message: `${name}: use a whole number` })
      .int(`${name}: use a whole number`)
      .positive(`${name}: use a positive whole number`)
      .default(fallback),
  );

const url = (name: string) =>
  optional(
    z
      .string()
      .trim()
      .refine((value) => /^https?:\/\/[^\s/]+/.test(value), `${name}: use an http:// or https:// URL`)
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  );

const text = () => optional(z.string().trim().optional());

const SettingsSchema = z.object({
  VLT_SERVER_SIGNUP: optional(
    z
      .enum(['first-user', 'open', 'closed'], {
        message: 'VLT_SERVER_SIGNUP: use open, closed or first-user (the default)',
      })
      .default('first-user'),
  ),
  VLT_SERVER_TRUST_PROXY: optional(
    z
      .string()
      .trim()
      .default('')
      .transform((value, ctx): boolean | number | string => {
        if (['', '0', 'off', 'false', 'no'].includes(value.toLowerCase())) return false;
        if (/^\d+$/.test(value)) return Number(value);
        const items = value.split(',').map((item) => item.trim());
        if (items.every((item) => PROXY_ITEM.test(item))) return items.join(', ');
        ctx.addIssue({
          code: 'custom',
          message:
            'VLT_SERVER_TRUST_PROXY: use the number of proxies in front (e.g. 1), or their addresses (loopback, 10.0.0.0/8, …)',
        });
        return z.NEVER;
      }),
  ),
  VLT_SERVER_SECURE_COOKIES: optional(
    z.enum(['0', '1'], { message: 'VLT_SERVER_SECURE_COOKIES: use 1 (behind HTTPS) or 0' }).default('0'),
  ),
  VLT_SERVER_DATABASE_POOL: wholeNumber('VLT_SERVER_DATABASE_POOL', 10),
  VLT_LOG: optional(
    z
      .enum(['off', 'info', 'debug'], { message: 'VLT_LOG: use off, info (the default) or debug' })
      .default('info'),
  ),
  VLT_SERVER_SECRET: optional(
    z
      .string()
      .trim()
      .transform((value, ctx) => {
        const secret = Buffer.from(value, 'base64');
        if (secret.length >= 32) return secret;
        ctx.addIssue({
          code: 'custom',
          message: 'VLT_SERVER_SECRET must be 32 random bytes or more in base64: `openssl rand -base64 32`',
        });
        return z.NEVER;
      })
      .optional(),
  ),
  VLT_LLM_BASE_URL: url('VLT_LLM_BASE_URL'),
  VLT_LLM_MODEL: text(),
  VLT_LLM_API_KEY: text(),
  VLT_LLM_TIMEOUT_MS: wholeNumber('VLT_LLM_TIMEOUT_MS', 20_000),
  VLT_EMBEDDINGS_BASE_URL: url('VLT_EMBEDDINGS_BASE_URL'),
  VLT_EMBEDDINGS_MODEL: text(),
  VLT_EMBEDDINGS_API_KEY: text(),
  VLT_EMBEDDINGS_TIMEOUT_MS: wholeNumber('VLT_EMBEDDINGS_TIMEOUT_MS', 10_000),
  VLT_EMBEDDINGS_WEIGHT: optional(
    z.coerce
      .number({ message: 'VLT_EMBEDDINGS_WEIGHT: use a number from 0 (bm25 only) up' })
      .min(0, 'VLT_EMBEDDINGS_WEIGHT: use a number from 0 (bm25 only) up')
      .default(1),
  ),
});

/** The settings, or an Error whose message is one line naming the variable to fix. */
export function readServerSettings(env: Record<string, string | undefined>): ServerSettings {
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid server settings');
  const e = parsed.data;
  return {
    limits: readLimits(env),
    signup: e.VLT_SERVER_SIGNUP,
    trustProxy: e.VLT_SERVER_TRUST_PROXY,
    secureCookies: e.VLT_SERVER_SECURE_COOKIES === '1',
    databasePool: e.VLT_SERVER_DATABASE_POOL,
    log: e.VLT_LOG,
    secret: e.VLT_SERVER_SECRET,
    llm:
      e.VLT_LLM_BASE_URL && e.VLT_LLM_MODEL
        ? {
            baseUrl: e.VLT_LLM_BASE_URL,
            model: e.VLT_LLM_MODEL,
            apiKey: e.VLT_LLM_API_KEY,
            timeoutMs: e.VLT_LLM_TIMEOUT_MS,
          }
        : undefined,
    embeddings:
      e.VLT_EMBEDDINGS_BASE_URL && e.VLT_EMBEDDINGS_MODEL
        ? {
            baseUrl: e.VLT_EMBEDDINGS_BASE_URL,
            model: e.VLT_EMBEDDINGS_MODEL,
            apiKey: e.VLT_EMBEDDINGS_API_KEY,
            weight: e.VLT_EMBEDDINGS_WEIGHT,
            timeoutMs: e.VLT_EMBEDDINGS_TIMEOUT_MS,
          }
        : undefined,
  };
}
