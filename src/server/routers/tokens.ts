// API tokens for the CLI: create (secret shown once), list, revoke. Only a web session makes or
// revokes tokens; a token may list them.
import { tokenCreateInput, tokenRevokeInput } from '../../shared/schemas.js';
import { protectedProcedure, router, sessionProcedure } from '../trpc.js';

export const tokensRouter = router({
  create: sessionProcedure
    .input(tokenCreateInput)
    .mutation(({ ctx, input }) => ctx.deps.accounts.createToken(ctx.user.id, input.name, input.expiresDays)),

  list: protectedProcedure.query(async ({ ctx }) => ({
    tokens: await ctx.deps.accounts.listTokens(ctx.user.id),
  })),

  revoke: sessionProcedure.input(tokenRevokeInput).mutation(async ({ ctx, input }) => {
    await ctx.deps.accounts.revokeToken(ctx.user.id, input.id);
    return { revoked: true as const };
  }),
});
