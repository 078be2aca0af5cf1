// The tRPC builders, created once. Routers import from here and nowhere else.
import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import { transformer } from '../shared/transformer.js';
import type { Context } from './context.js';

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    return { ...shape, data: { ...shape.data, zodError } };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
