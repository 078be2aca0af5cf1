// The server's settings from the environment, parsed once with zod (limits in limits.ts): each
// invalid value is one line naming the variable and what it takes.
import { z } from 'zod';
import { readLimits, type Limits } from './limits.js';

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
}

const PROXY_ITEM = /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i;

const SettingsSchema = z.object({
  VLT_SERVER_SIGNUP: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .enum(['first-user', 'open', 'closed'], {
        message: 'VLT_SERVER_SIGNUP: use open, closed or first-user (the default)',
      })
      .default('first-user'),
  ),
  VLT_SERVER_TRUST_PROXY: z
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
  VLT_SERVER_SECURE_COOKIES: z
    .enum(['', '0', '1'], { message: 'VLT_SERVER_SECURE_COOKIES: use 1 (behind HTTPS) or 0' })
    .default('0'),
});

export function readServerSettings(env: Record<string, string | undefined>): ServerSettings {
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid server settings');
  return {
    limits: readLimits(env),
    signup: parsed.data.VLT_SERVER_SIGNUP,
    trustProxy: parsed.data.VLT_SERVER_TRUST_PROXY,
    secureCookies: parsed.data.VLT_SERVER_SECURE_COOKIES === '1',
  };
}
