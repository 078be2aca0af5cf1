// The server's API for the CLI: createTRPCClient<AppRouter>, its types straight from the router.
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../shared/router.js';
import { transformer } from '../../shared/transformer.js';
import { createHttpFetch, HttpStatusError } from './http-fetch.js';

export type Api = ReturnType<typeof createApi>;

export function createApi(serverUrl: string, token: string | undefined, timeoutMs: number) {
  const options = {
    url: `${serverUrl}/trpc`,
    transformer,
    fetch: createHttpFetch(timeoutMs) as unknown as typeof fetch,
    headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // The server never batches auth.* (each login attempt is a request of its own).
        condition: (op) => op.path.startsWith('auth.'),
        true: httpLink(options),
        false: httpBatchLink({ ...options, maxURLLength: 2000, maxItems: 10 }),
      }),
    ],
  });
}

/** What a failed call means for the outbox. */
export type Failure =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'too-large'; message: string }
  | { kind: 'rejected'; message: string; entryId: string | null; code: string }
  | { kind: 'retryable'; message: string };

export function classify(error: unknown): Failure {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data as
      { code?: string; httpStatus?: number; entryId?: string | null } | undefined;
    const code = data?.code;
    if (code === 'UNAUTHORIZED') return { kind: 'unauthorized', message: error.message };
    if (code === 'PAYLOAD_TOO_LARGE') return { kind: 'too-large', message: error.message };
    if (code === 'CONFLICT' || code === 'BAD_REQUEST' || code === 'NOT_FOUND' || code === 'FORBIDDEN') {
      return { kind: 'rejected', message: error.message, entryId: data?.entryId ?? null, code };
    }
    if (code) return { kind: 'retryable', message: `${code}: ${error.message}` };
    const cause = error.cause;
    if (cause instanceof HttpStatusError) return { kind: 'retryable', message: cause.message };
    return { kind: 'retryable', message: describeNetworkError(cause ?? error) };
  }
  return { kind: 'retryable', message: describeNetworkError(error) };
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'server unreachable (connection refused)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'server unreachable (host not found)';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection lost';
  if (/no answer within/.test(message)) return `server did not answer in time (${message})`;
  return message;
}
