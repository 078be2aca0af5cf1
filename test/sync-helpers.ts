// Helpers of the sync, stress and scale-out suites: a scratch machine pointed at a server, and a
// typed client of the router with a token.
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from '@trpc/client';
import type { AppRouter } from '../src/shared/router.js';
import { transformer } from '../src/shared/transformer.js';
import { sandbox, type Sandbox } from './helpers.js';
import { killRetrier } from './net-helpers.js';

export type Cleanups = (() => Promise<void> | void)[];

/**
 * A scratch VLT_HOME that syncs to `serverUrl` with `token`; its removal (and its background
 * retrier's end) goes on `cleanups`. `retrier: false` keeps the CLI from leaving one.
 */
export function syncMachine(
  serverUrl: string,
  token: string,
  cleanups: Cleanups,
  { retrier = true }: { retrier?: boolean } = {},
): Sandbox {
  const box = sandbox();
  box.env.VLT_SERVER_URL = serverUrl;
  box.env.VLT_SYNC_TOKEN = token;
  if (!retrier) box.env.VLT_NO_RETRIER = '1';
  cleanups.push(() => {
    killRetrier(box.home);
    box.cleanup();
  });
  return box;
}

/** A typed client as the CLI makes one: at most 10 calls a batch, auth.* never batched. */
export const apiFor = (url: string, token?: string) => {
  const options = {
    url: `${url}/trpc`,
    transformer,
    headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.path.startsWith('auth.'),
        true: httpLink(options),
        false: httpBatchLink({ ...options, maxItems: 10 }),
      }),
    ],
  });
};

/** A typed client with a web session of `username`'s, as the web UI's pages call the server. */
export async function webApiFor(url: string, username: string, password = 'correct horse battery') {
  const login = await fetch(`${url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { username, password } }),
  });
  if (!login.ok) throw new Error(`auth.login: HTTP ${login.status}`);
  const cookie = /(?:__Host-)?vlt_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error('auth.login set no session cookie');
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, transformer, headers: { cookie, 'x-vlt-web': '1' } })],
  });
}
