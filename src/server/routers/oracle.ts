// The Oracle: cited answers over the caller's threads, whole or streamed.
import { oracleInput } from '../../shared/schemas.js';
import { protectedProcedure, router, takeCall } from '../trpc.js';

export const oracleRouter = router({
  ask: protectedProcedure.input(oracleInput).mutation(({ ctx, input }) => {
    takeCall(ctx.deps.oracleLimiter, ctx.user.id, 'questions', 'VLT_LIMIT_ORACLE_PER_MINUTE');
    return ctx.deps.oracle.ask(ctx.user.id, input);
  }),

  /** The answer as it is produced (server-sent events), ending with the sources. */
  stream: protectedProcedure.input(oracleInput).subscription(({ ctx, input }) => {
    takeCall(ctx.deps.oracleLimiter, ctx.user.id, 'questions', 'VLT_LIMIT_ORACLE_PER_MINUTE');
    return ctx.deps.oracle.stream(ctx.user.id, input);
  }),
});
