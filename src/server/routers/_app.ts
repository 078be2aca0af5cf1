// The root router: every procedure of the API. The server's procedures arrive area by area.
import { createCallerFactory, publicProcedure, router } from '../trpc.js';

export const appRouter = router({
  health: publicProcedure.query(({ ctx }) => ({ ok: true as const, startedAt: ctx.startedAt })),
});

export const createCaller = createCallerFactory(appRouter);
export type AppRouter = typeof appRouter;
