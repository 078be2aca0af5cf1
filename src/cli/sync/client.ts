// The server's API for the CLI: createTRPCClient<AppRouter>, its inputs typed straight from the
// router, and every answer checked against src/shared/answers.ts before the CLI uses any of it.
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import type { infer as Infer } from 'zod/mini';
import {
  checkAnswer,
  type AnswerSchema,
  codeManifestAnswer,
  codeUploadAnswer,
  annotateAnswer,
  reviseAnswer,
  loginAnswer,
  logoutAnswer,
  moveAnswer,
  notesManifestAnswer,
  notesUploadAnswer,
  oracleAnswer,
  pullPage,
  pushAnswer,
  setStatusAnswer,
  syncStatusAnswer,
  whoamiAnswer,
} from '../../shared/answers.js';
import type { AppRouter } from '../../shared/router.js';
import { transformer } from '../../shared/transformer.js';
import { createHttpFetch, HttpStatusError } from './http-fetch.js';

export type Api = ReturnType<typeof createApi>;

/** A server's answer that is not what the router promises: nothing of it is used. */
export class InvalidAnswerError extends Error {}

type InputOf<F> = F extends (input: infer I, ...rest: never[]) => unknown ? I : never;

export function createApi(serverUrl: string, token: string | undefined, timeoutMs: number) {
  const options = {
    url: `${serverUrl}/trpc`,
    transformer,
    fetch: createHttpFetch(timeoutMs) as unknown as typeof fetch,
    headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
  };
  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // The server never batches auth.* (each login attempt is a request of its own).
        condition: (op) => op.path.startsWith('auth.'),
        true: httpLink(options),
        false: splitLink({
          // A notes or code upload and a push of entries fill a request body by themselves (a
          // drain sends a few threads' pushes at once): one call a request. A batch link all the
          // same, since httpLink's FormData check loads Node's fetch implementation (~50 ms) on first use.
          condition: (op) =>
            op.path.startsWith('notes.') || op.path.startsWith('code.') || op.path === 'threads.push',
          true: httpBatchLink({ ...options, maxURLLength: 2000, maxItems: 1 }),
          false: httpBatchLink({ ...options, maxURLLength: 2000, maxItems: 10 }),
        }),
      }),
    ],
  });
  const origin = new URL(serverUrl).origin;
  /** One procedure: the call, then its answer checked; `refused` says what became of the call's purpose. */
  const checked =
    <S extends AnswerSchema, I>(schema: S, refused: string, send: (input: I) => Promise<unknown>) =>
    async (input: I): Promise<Infer<S>> => {
      const answer = checkAnswer(schema, await send(input));
      if (!answer.ok)
        throw new InvalidAnswerError(`the server at ${origin} sent ${answer.problem}: ${refused}`);
      return answer.data;
    };
  type T = typeof trpc;
  return {
    threads: {
      push: {
        mutate: checked(pushAnswer, 'the entries stay queued', (i: InputOf<T['threads']['push']['mutate']>) =>
          trpc.threads.push.mutate(i),
        ),
      },
      syncStatus: {
        query: checked(
          syncStatusAnswer,
          'nothing was changed',
          (i: InputOf<T['threads']['syncStatus']['query']>) => trpc.threads.syncStatus.query(i),
        ),
      },
      move: {
        mutate: checked(moveAnswer, 'the move stays queued', (i: InputOf<T['threads']['move']['mutate']>) =>
          trpc.threads.move.mutate(i),
        ),
      },
      setStatus: {
        mutate: checked(
          setStatusAnswer,
          'the status change stays queued',
          (i: InputOf<T['threads']['setStatus']['mutate']>) => trpc.threads.setStatus.mutate(i),
        ),
      },
      annotate: {
        mutate: checked(
          annotateAnswer,
          'the tags and links stay queued',
          (i: InputOf<T['threads']['annotate']['mutate']>) => trpc.threads.annotate.mutate(i),
        ),
      },
      editEntry: {
        mutate: checked(
          reviseAnswer,
          'the edit stays queued',
          (i: InputOf<T['threads']['editEntry']['mutate']>) => trpc.threads.editEntry.mutate(i),
        ),
      },
      deleteEntry: {
        mutate: checked(
          reviseAnswer,
          'the deletion stays queued',
          (i: InputOf<T['threads']['deleteEntry']['mutate']>) => trpc.threads.deleteEntry.mutate(i),
        ),
      },
      pull: {
        query: checked(
          pullPage,
          'nothing was stored from that page',
          (i: InputOf<T['threads']['pull']['query']>) => trpc.threads.pull.query(i),
        ),
      },
    },
    auth: {
      login: {
        mutate: checked(loginAnswer, 'nothing was stored', (i: InputOf<T['auth']['login']['mutate']>) =>
          trpc.auth.login.mutate(i),
        ),
      },
      logout: {
        mutate: checked(logoutAnswer, 'the token may not be revoked', () => trpc.auth.logout.mutate()),
      },
      me: { query: checked(whoamiAnswer, 'nothing was shown', () => trpc.auth.me.query()) },
    },
    notes: {
      manifest: {
        mutate: checked(
          notesManifestAnswer,
          'nothing was uploaded',
          (i: InputOf<T['notes']['manifest']['mutate']>) => trpc.notes.manifest.mutate(i),
        ),
      },
      manifestRange: {
        mutate: checked(
          notesManifestAnswer,
          'nothing was uploaded',
          (i: InputOf<T['notes']['manifestRange']['mutate']>) => trpc.notes.manifestRange.mutate(i),
        ),
      },
      upload: {
        mutate: checked(
          notesUploadAnswer,
          'the upload may not be stored',
          (i: InputOf<T['notes']['upload']['mutate']>) => trpc.notes.upload.mutate(i),
        ),
      },
    },
    code: {
      manifest: {
        mutate: checked(
          codeManifestAnswer,
          'nothing was uploaded',
          (i: InputOf<T['code']['manifest']['mutate']>) => trpc.code.manifest.mutate(i),
        ),
      },
      manifestRange: {
        mutate: checked(
          codeManifestAnswer,
          'nothing was uploaded',
          (i: InputOf<T['code']['manifestRange']['mutate']>) => trpc.code.manifestRange.mutate(i),
        ),
      },
      upload: {
        mutate: checked(
          codeUploadAnswer,
          'the upload may not be stored',
          (i: InputOf<T['code']['upload']['mutate']>) => trpc.code.upload.mutate(i),
        ),
      },
    },
    oracle: {
      ask: {
        mutate: checked(oracleAnswer, 'nothing was shown', (i: InputOf<T['oracle']['ask']['mutate']>) =>
          trpc.oracle.ask.mutate(i),
        ),
      },
    },
  };
}

/** What a failed call means for the outbox. */
export type Failure =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'too-large'; message: string }
  | { kind: 'rejected'; message: string; entryId: string | null; code: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'retryable'; message: string };

/** A server's message, as much of it as a line of the queue needs. */
const MAX_MESSAGE_CHARS = 500;
const clip = (message: string) =>
  message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : message;

/** A failed call to the server, classified; anything else (the vault's storage, a bug) is thrown again. */
export function classify(error: unknown): Failure {
  if (error instanceof InvalidAnswerError) return { kind: 'invalid', message: error.message };
  if (!(error instanceof TRPCClientError)) throw error;
  const data = (error as TRPCClientError<AppRouter>).data as
    { code?: string; httpStatus?: number; entryId?: unknown } | undefined;
  const code = typeof data?.code === 'string' ? data.code : undefined;
  const message = clip(error.message);
  if (code === 'UNAUTHORIZED') return { kind: 'unauthorized', message };
  if (code === 'PAYLOAD_TOO_LARGE') return { kind: 'too-large', message };
  if (code === 'CONFLICT' || code === 'BAD_REQUEST' || code === 'NOT_FOUND' || code === 'FORBIDDEN') {
    const entryId = typeof data?.entryId === 'string' ? data.entryId : null;
    return { kind: 'rejected', message, entryId, code };
  }
  if (code) return { kind: 'retryable', message: clip(`${code}: ${error.message}`) };
  const cause = error.cause;
  if (cause instanceof HttpStatusError) return { kind: 'retryable', message: cause.message };
  return { kind: 'retryable', message: clip(describeNetworkError(cause ?? error)) };
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
