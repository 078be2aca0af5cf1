// The request context, built in two steps: createContextInner from dependencies and credentials
// (what tests call directly), and the Express adapter's createContext around it.
import type { RetrievalSettings } from '../shared/retrieval.js';
import { TRPCError } from '@trpc/server';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import type { ServerDb } from './db/index.js';
import type { LogLevel, ServerSettings, SignupPolicy } from './env.js';
import type { Limits } from './limits.js';
import { Accounts, SESSION_DAYS, type AuthUser } from './services/accounts.js';
import { Embeddings, type EmbeddingsConfig } from './services/embeddings.js';
import type { LlmConfig } from './services/llm.js';
import { Code } from './services/code.js';
import { Notes } from './services/notes.js';
import { Oracle } from './services/oracle.js';
import { AttemptLimiter, CallLimiter } from './services/rate-limit.js';
import { Summaries } from './services/summaries.js';
import { Threads } from './services/threads.js';

/** The session cookie's name: `__Host-` (Secure, path /, no Domain: no other host can set it) behind HTTPS. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-vlt_session' : 'vlt_session');

export interface ServerDeps {
  db: ServerDb;
  limits: Limits;
  accounts: Accounts;
  threads: Threads;
  notes: Notes;
  code: Code;
  summaries: Summaries;
  oracle: Oracle;
  /** Login and sign-up attempts, counted in the database. */
  attempts: AttemptLimiter;
  pushLimiter: CallLimiter;
  searchLimiter: CallLimiter;
  oracleLimiter: CallLimiter;
  signup: SignupPolicy;
  trustProxy: ServerSettings['trustProxy'];
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  /** The request log (off in tests that build deps directly). */
  log: { level: LogLevel; write(line: string): void };
}

export function createDeps(
  db: ServerDb,
  limits: Limits,
  options: {
    secret: Buffer;
    secureCookies?: boolean;
    signup?: SignupPolicy;
    trustProxy?: ServerSettings['trustProxy'];
    log?: ServerDeps['log'];
    llm?: LlmConfig | undefined;
    embeddings?: EmbeddingsConfig | undefined;
    /** The Oracle's retrieval settings, when not the defaults (the evaluation switches mechanisms off). */
    retrieval?: Partial<RetrievalSettings> | undefined;
  },
): ServerDeps {
  const threads = new Threads(db, limits);
  return {
    db,
    limits,
    accounts: new Accounts(db, options.secret),
    threads,
    notes: new Notes(db, limits),
    code: new Code(db, limits),
    summaries: new Summaries(threads, options.llm),
    oracle: new Oracle(
      db,
      limits,
      options.llm,
      options.embeddings ? new Embeddings(db, options.embeddings) : undefined,
      options.retrieval,
    ),
    attempts: new AttemptLimiter(db),
    pushLimiter: new CallLimiter(limits.pushPerMinute),
    searchLimiter: new CallLimiter(limits.searchPerMinute),
    oracleLimiter: new CallLimiter(limits.oraclePerMinute),
    signup: options.signup ?? 'first-user',
    trustProxy: options.trustProxy ?? false,
    secureCookies: options.secureCookies ?? false,
    log: options.log ?? { level: 'off', write: () => {} },
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

/** A session secret as the server makes them (32 random bytes, base64url). */
const SESSION_SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * The session cookie's value, or undefined: a value that is not a session secret, or a name sent
 * twice (another page of the host may have planted one), counts as signed out, never as an error.
 */
export function readSessionCookie(header: string | undefined, name: string): string | undefined {
  const values: string[] = [];
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    values.push(part.slice(eq + 1).trim());
  }
  if (values.length !== 1) return undefined;
  return SESSION_SECRET.test(values[0]!) ? values[0] : undefined;
}

/** The header the web client sends with every call (a cross-site page cannot send it without CORS). */
export const WEB_CLIENT_HEADER = 'x-vlt-web';

/**
 * A request authenticated by its cookie must come from the web UI of this server: the web client's
 * own header, or a same-origin `Origin`, or a browser that says the request is same-origin
 * (`Sec-Fetch-Site`: the web's event streams cannot set headers). Otherwise another site could make
 * the browser send it (a form posting to auth.logout, a link starting a subscription).
 */
function fromThisSite(req: CreateExpressContextOptions['req']): boolean {
  if (req.headers[WEB_CLIENT_HEADER] === '1') return true;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    try {
      return new URL(origin).host === req.host;
    } catch {
      return false;
    }
  }
  return req.headers['sec-fetch-site'] === 'same-origin';
}

export function contextFactory(deps: ServerDeps) {
  const cookieName = sessionCookieName(deps.secureCookies);
  return ({ req, res, info }: CreateExpressContextOptions): Promise<Context> => {
    // auth.* is never batched: each attempt is its own request (and counted as one).
    if (info.isBatchCall && info.calls.some((call) => call.path.startsWith('auth.'))) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'auth procedures cannot be batched: call them one at a time, without ?batch=1',
      });
    }
    const authorization = req.headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    let sessionSecret = readSessionCookie(req.headers.cookie, cookieName);
    // A cookie from elsewhere counts as no cookie: the request is signed out.
    if (sessionSecret !== undefined && bearer === undefined && !fromThisSite(req)) sessionSecret = undefined;
    const cookieOptions = {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: deps.secureCookies,
      path: '/',
    };
    return createContextInner(deps, {
      bearer,
      sessionSecret,
      // With VLT_SERVER_TRUST_PROXY, Express takes it from X-Forwarded-For.
      address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      cookies: {
        set: (secret) =>
          res.cookie(cookieName, secret, { ...cookieOptions, maxAge: SESSION_DAYS * 86_400_000 }),
        clear: () => res.clearCookie(cookieName, cookieOptions),
      },
    });
  };
}
