// API tokens for the CLI: create (secret shown once), list, revoke.
import { tokenCreateInput, tokenRevokeInput } from '../../shared/schemas.js';
import { protectedProcedure, router } from '../trpc.js';

export const tokensRouter = router({
  create: protectedProcedure
    .input(tokenCreateInput)
    .mutation(({ ctx, input }) => ctx.deps.accounts.createToken(ctx.user.id, input.name, input.expiresDays)),

  list: protectedProcedure.query(async ({ ctx }) => ({
    tokens: await ctx.deps.accounts.listTokens(ctx.user.id),
  })),

  revoke: protectedProcedure.input(tokenRevokeInput).mutation(async ({ ctx, input }) => {
    await ctx.deps.accounts.revokeToken(ctx.user.id, input.id);
    return { revoked: true as const };
  }),
});
