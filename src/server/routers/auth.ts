// Sign-up, login (a session cookie for the web, an API token for the CLI), logout, who am I.
import { TRPCError } from '@trpc/server';
import { credentials, loginInput } from '../../shared/schemas.js';
import { protectedProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  signup: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const user = await ctx.deps.accounts.signup(input.username, input.password);
    ctx.cookies.set((await ctx.deps.accounts.createSession(user.id)).secret);
    return { user };
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { loginLimiter, accounts } = ctx.deps;
    const wait = loginLimiter.retryAfter(input.username, ctx.address);
    if (wait > 0) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `too many failed logins: try again in ${Math.ceil(wait / 60)} min`,
      });
    }
    const user = await accounts.verify(input.username, input.password);
    if (!user) {
      loginLimiter.fail(input.username, ctx.address);
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
    }
    loginLimiter.succeed(input.username);
    if (input.token) {
      const token = await accounts.createToken(user.id, input.token.name, input.token.expiresDays);
      return { user, token };
    }
    ctx.cookies.set((await accounts.createSession(user.id)).secret);
    return { user, token: null };
  }),

  /** Ends this session, or revokes the API token the call was made with. */
  logout: protectedProcedure.mutation(async ({ ctx }) => {
    if (ctx.auth.kind === 'session') {
      await ctx.deps.accounts.deleteSession(ctx.auth.secret);
      ctx.cookies.clear();
    } else {
      await ctx.deps.accounts.revokeToken(ctx.user.id, ctx.auth.tokenId);
    }
    return { loggedOut: true as const };
  }),

  me: protectedProcedure.query(({ ctx }) => ({ user: ctx.user, via: ctx.auth.kind })),
});
