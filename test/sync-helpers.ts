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

/**
 * A new user of the server at `url` (signed up through its API: test servers allow sign-ups) and an
 * API token of theirs; with `create: false`, another token for an existing user. In this process:
 * `userWithToken` (net-helpers.ts) runs the server's own commands, two Node starts of `vlt-server`
 * (about 3 s on the CI machine), where the suites need only an account to sync with.
 */
export async function tokenOverApi(
  url: string,
  username: string,
  { password = 'correct horse battery', create = true }: { password?: string; create?: boolean } = {},
): Promise<string> {
  const post = async (path: string, json: unknown) => {
    const response = await fetch(`${url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json }),
    });
    const body = (await response.json()) as { result?: { data: { json: unknown } } };
    if (!response.ok || !body.result)
      throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body.result.data.json;
  };
  if (create) await post('auth.signup', { username, password });
  const login = (await post('auth.login', { username, password, token: { name: 'cli' } })) as {
    token: { token: string };
  };
  return login.token.token;
}

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
