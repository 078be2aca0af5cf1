// Server test helpers: an in-memory server database and callers authenticated as a given user.
import { randomBytes } from 'node:crypto';
import { createContextInner, createDeps, type Credentials, type ServerDeps } from '../src/server/context.js';
import { sql } from 'drizzle-orm';
import { openServerDb, type ServerDb } from '../src/server/db/index.js';
import { databaseFor } from './pg-helpers.js';
import type { SignupPolicy } from '../src/server/env.js';
import { DEFAULT_LIMITS, type Limits } from '../src/server/limits.js';
import { createCaller } from '../src/server/routers/_app.js';
import type { EmbeddingsConfig } from '../src/server/services/embeddings.js';
import type { LlmConfig } from '../src/server/services/llm.js';

/**
 * The engine the server tests run on: VLT_TEST_DATABASE unset or `sqlite` (an in-memory SQLite
 * database per call), `pglite` (PostgreSQL in this process), or a `postgres://` URL (a real server:
 * a database of its own per test process). On PostgreSQL the database is emptied for each call.
 */
export const TEST_ENGINE = process.env.VLT_TEST_DATABASE ?? 'sqlite';

let shared: ServerDb | undefined;
async function freshDb(): Promise<ServerDb> {
  if (TEST_ENGINE === 'sqlite') return openServerDb(':memory:');
  if (!shared) {
    // PGlite: a copy of a database migrated once for the run (test/pglite-snapshot.ts, loaded
    // only then: it imports PGlite).
    shared =
      TEST_ENGINE === 'pglite'
        ? await (await import('./pglite-snapshot.js')).migratedPglite()
        : await openServerDb(await databaseFor(TEST_ENGINE, `vlt_test_${process.pid}`));
  }
  await shared.run(
    sql`TRUNCATE users, sessions, api_tokens, projects, threads, entries, entry_embeddings, auth_attempts RESTART IDENTITY CASCADE`,
  );
  // Tests close their deps; the shared database stays open for the next.
  return { ...shared, close: () => Promise.resolve() };
}

export async function memoryDeps(
  limits: Partial<Limits> = {},
  llm?: LlmConfig,
  embeddings?: EmbeddingsConfig,
  settings: { signup?: SignupPolicy } = {},
): Promise<ServerDeps> {
  return createDeps(
    await freshDb(),
    { ...DEFAULT_LIMITS, ...limits },
    // Tests make many users through auth.signup; the sign-up policy has tests of its own.
    { secret: randomBytes(32), llm, embeddings, signup: settings.signup ?? 'open' },
  );
}

/** A caller signed in to the web UI as a new user (a session, not a token). */
export async function sessionCaller(deps: ServerDeps, username: string) {
  const user = await deps.accounts.signup(username, 'correct horse battery');
  const { secret } = await deps.accounts.createSession(user.id);
  return { user, caller: callerWith(deps, { sessionSecret: secret }) };
}

export const callerWith = (deps: ServerDeps, credentials: Credentials = {}) =>
  createCaller(() => createContextInner(deps, credentials));

/** A new user and a caller that uses an API token of theirs. */
export async function userCaller(deps: ServerDeps, username: string) {
  const user = await deps.accounts.signup(username, 'correct horse battery');
  const { token, id: tokenId } = await deps.accounts.createToken(user.id, 'test');
  return { user, token, tokenId, caller: callerWith(deps, { bearer: token }) };
}

let sequence = 0;
/** A UUIDv7-shaped id, unique within the test run. */
export function entryId(): string {
  sequence++;
  return `01900000-0000-7000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

export function entriesFor(from: number, to: number, prefix = 'entry') {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    entryId: entryId(),
    sequenceId: from + i,
    content: `${prefix} ${from + i}`,
    author: 'agent',
    timestamp: new Date(Date.UTC(2026, 10, 24, 12, 0, from + i)),
  }));
}

/** The real app (router, HTTP, headers) on a loopback port, in this process. */
export async function serveInProcess(deps: ServerDeps): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const { createApp } = await import('../src/server/app.js');
  const server = createServer(createApp(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
