// The request context, built in two steps: createContextInner from dependencies and credentials
// (what tests call directly), and the Express adapter's createContext around it.
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import type { ServerDb } from './db/index.js';
import type { Limits } from './limits.js';
import { Accounts, SESSION_DAYS, type AuthUser } from './services/accounts.js';
import { Embeddings, type EmbeddingsConfig } from './services/embeddings.js';
import type { LlmConfig } from './services/llm.js';
import { Oracle } from './services/oracle.js';
import { LoginLimiter, PushLimiter } from './services/rate-limit.js';
import { Threads } from './services/threads.js';

export const SESSION_COOKIE = 'vlt_session';

export interface ServerDeps {
  db: ServerDb;
  limits: Limits;
  accounts: Accounts;
  threads: Threads;
  oracle: Oracle;
  loginLimiter: LoginLimiter;
  pushLimiter: PushLimiter;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
}

export function createDeps(
  db: ServerDb,
  limits: Limits,
  options: {
    secret: Buffer;
    secureCookies?: boolean;
    llm?: LlmConfig | undefined;
    embeddings?: EmbeddingsConfig | undefined;
  },
): ServerDeps {
  return {
    db,
    limits,
    accounts: new Accounts(db, options.secret),
    threads: new Threads(db, limits),
    oracle: new Oracle(
      db,
      limits,
      options.llm,
      options.embeddings ? new Embeddings(db, options.embeddings) : undefined,
    ),
    loginLimiter: new LoginLimiter(limits.loginPerUser, limits.loginPerAddress, limits.loginWindowMs),
    pushLimiter: new PushLimiter(limits.pushPerMinute),
    secureCookies: options.secureCookies ?? false,
  };
}

export interface SessionCookies {
  set(secret: string): void;
  clear(): void;
}

export interface Credentials {
  sessionSecret?: string | undefined;
  bearer?: string | undefined;
  address?: string | undefined;
  cookies?: SessionCookies | undefined;
}

export type Auth = { kind: 'session'; secret: string } | { kind: 'token'; tokenId: string };

const noCookies: SessionCookies = { set: () => {}, clear: () => {} };

export async function createContextInner(deps: ServerDeps, credentials: Credentials = {}) {
  let user: AuthUser | null = null;
  let auth: Auth | null = null;
  let rejectedToken = false;
  if (credentials.bearer !== undefined) {
    const found = await deps.accounts.userForToken(credentials.bearer);
    if (found) {
      user = { id: found.id, username: found.username };
      auth = { kind: 'token', tokenId: found.tokenId };
    } else rejectedToken = true;
  } else if (credentials.sessionSecret !== undefined) {
    const found = await deps.accounts.userForSession(credentials.sessionSecret);
    if (found) {
      user = found;
      auth = { kind: 'session', secret: credentials.sessionSecret };
    }
  }
  return {
    deps,
    user,
    auth,
    rejectedToken,
    address: credentials.address ?? 'local',
    cookies: credentials.cookies ?? noCookies,
  };
}

export type Context = Awaited<ReturnType<typeof createContextInner>>;

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function contextFactory(deps: ServerDeps) {
  return ({ req, res }: CreateExpressContextOptions): Promise<Context> => {
    const authorization = req.headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    const cookieOptions = {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: deps.secureCookies,
      path: '/',
    };
    return createContextInner(deps, {
      bearer,
      sessionSecret: readCookie(req.headers.cookie, SESSION_COOKIE),
      address: req.socket.remoteAddress ?? 'unknown',
      cookies: {
        set: (secret) =>
          res.cookie(SESSION_COOKIE, secret, { ...cookieOptions, maxAge: SESSION_DAYS * 86_400_000 }),
        clear: () => res.clearCookie(SESSION_COOKIE, cookieOptions),
      },
    });
  };
}
