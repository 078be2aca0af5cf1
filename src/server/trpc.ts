// The tRPC builders, created once. Routers import from here and nowhere else.
import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import { transformer } from '../shared/transformer.js';
import type { Context } from './context.js';
import { storageFailure } from './db/storage-errors.js';
import type { CallLimiter } from './services/rate-limit.js';
import { EntryRejected } from './errors.js';

/**
 * The entry of a push that zod refused (`entries.3.content: …`), so that the client sets that one
 * entry aside and sends the rest, as for the service's own refusals.
 */
function entryOf(error: ZodError, input: unknown): { entryId: string; sequenceId: number } | null {
  const [field, index] = error.issues[0]?.path ?? [];
  if (field !== 'entries' || typeof index !== 'number') return null;
  const entry = (input as { entries?: { entryId?: unknown; sequenceId?: unknown }[] } | undefined)?.entries?.[
    index
  ];
  return typeof entry?.entryId === 'string' && typeof entry.sequenceId === 'number'
    ? { entryId: entry.entryId, sequenceId: entry.sequenceId }
    : null;
}

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error, ctx, input }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const rejected = error instanceof EntryRejected ? error : (zodError && entryOf(zodError, input)) || null;
    let message = shape.message;
    // One readable line instead of zod's JSON dump: "entries.0.entryId: an entry id is a UUID".
    if (zodError) {
      message = zodError.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
    } else if (message === 'Batch call exceeds maximum size') {
      // Checked before a context exists: the limit is named, not read.
      message =
        'a batched request carries too many calls (VLT_LIMIT_BATCH_CALLS, 10 by default): send fewer at once';
    } else if (error.code === 'PAYLOAD_TOO_LARGE' && message === 'PAYLOAD_TOO_LARGE') {
      const limit = ctx?.deps.limits.bodyBytes;
      message = `the request body is over the limit of ${limit ?? 'the server'} bytes: send fewer or smaller entries`;
    }
    return {
      ...shape,
      message,
      data: {
        ...shape.data,
        // No stack traces leave the server.
        stack: undefined,
        zodError: zodError ? z.flattenError(zodError) : null,
        entryId: rejected?.entryId ?? null,
        sequenceId: rejected?.sequenceId ?? null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * A database that cannot store (full disk, read-only, damaged) is the server's trouble, not the
 * caller's: SERVICE_UNAVAILABLE (503, which clients retry) with what is wrong, not a bare 500.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const problem = storageFailure(result.error.cause ?? result.error);
    if (problem) {
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: `the server cannot store or read data now (${problem}): try again later, and tell its operator`,
        cause: result.error,
      });
    }
  }
  return result;
});

/** Needs a session or an API token; handlers see `ctx.user` as always present. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.auth) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: ctx.rejectedToken
        ? 'the token is invalid, expired or revoked: run `vlt auth login` again'
        : 'sign in first (web), or run `vlt auth login` (CLI)',
    });
  }
  return next({ ctx: { ...ctx, user: ctx.user, auth: ctx.auth } });
});

/**
 * Needs a web session: what an API token may not do (make tokens, revoke them, change the
 * account), so that a stolen token cannot mint a permanent one.
 */
export const sessionProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.auth.kind !== 'session') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'an API token cannot manage tokens: sign in to the web UI (Settings) to do this',
    });
  }
  return next({ ctx });
});

/**
 * One call against a per-minute limit (pushes, searches, questions): TOO_MANY_REQUESTS, naming the
 * limit and when to try again, once the key has used its minute.
 */
export function takeCall(
  limiter: CallLimiter,
  key: string,
  what: string,
  setting: string,
  whose = 'for this account',
): void {
  const wait = limiter.take(key);
  if (wait > 0) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `too many ${what}: over ${limiter.perMinute} a minute ${whose} (${setting}); try again in ${wait} s`,
    });
  }
}

/** A sync's calls (notes, code) count as pushes: per token (a machine syncing), or per user for the web. */
export function takeSync(ctx: Context & { user: { id: string }; auth: NonNullable<Context['auth']> }): void {
  const [key, whose] =
    ctx.auth.kind === 'token'
      ? [`token:${ctx.auth.tokenId}`, 'for this token']
      : [`user:${ctx.user.id}`, 'for this account'];
  takeCall(ctx.deps.pushLimiter, key, 'pushes', 'VLT_LIMIT_PUSH_PER_MINUTE', whose);
}
