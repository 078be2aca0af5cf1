// Server test helpers: an in-memory server database and callers authenticated as a given user.
import { randomBytes } from 'node:crypto';
import { createContextInner, createDeps, type Credentials, type ServerDeps } from '../src/server/context.js';
import { openServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS, type Limits } from '../src/server/limits.js';
import { createCaller } from '../src/server/routers/_app.js';
import type { EmbeddingsConfig } from '../src/server/services/embeddings.js';
import type { LlmConfig } from '../src/server/services/llm.js';

export function memoryDeps(
  limits: Partial<Limits> = {},
  llm?: LlmConfig,
  embeddings?: EmbeddingsConfig,
): ServerDeps {
  return createDeps(
    openServerDb(':memory:'),
    { ...DEFAULT_LIMITS, ...limits },
    { secret: randomBytes(32), llm, embeddings },
  );
}

export const callerWith = (deps: ServerDeps, credentials: Credentials = {}) =>
  createCaller(createContextInner(deps, credentials));

/** A new user and a caller that uses an API token of theirs. */
export async function userCaller(deps: ServerDeps, username: string) {
  const user = await deps.accounts.signup(username, 'correct horse battery');
  const { token, id: tokenId } = deps.accounts.createToken(user.id, 'test');
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
