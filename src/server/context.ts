// The request context: built from injected dependencies so that tests can call the router directly.
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';

export interface ContextDeps {
  /** Filled by the server's storage in a later step (accounts, threads). */
  readonly startedAt: Date;
}

export function createContextInner(deps: ContextDeps) {
  return { ...deps };
}

export type Context = ReturnType<typeof createContextInner>;

export function contextFactory(deps: ContextDeps) {
  return (_opts: CreateExpressContextOptions): Context => createContextInner(deps);
}
