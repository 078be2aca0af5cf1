// The tRPC builders, created once. Routers import from here and nowhere else.
import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import { transformer } from '../shared/transformer.js';
import type { Context } from './context.js';
import { EntryRejected } from './services/threads.js';

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error, ctx }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const rejected = error instanceof EntryRejected ? error : null;
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
export const publicProcedure = t.procedure;

/** Needs a session or an API token; handlers see `ctx.user` as always present. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
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
