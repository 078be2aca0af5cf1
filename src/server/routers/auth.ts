// Sign-up, login (a session cookie for the web, an API token for the CLI), logout, who am I.
// Every attempt is counted before the password is checked (services/rate-limit.ts).
import { TRPCError } from '@trpc/server';
import { credentials, loginInput } from '../../shared/schemas.js';
import type { ServerDeps } from '../context.js';
import type { AttemptRule } from '../services/rate-limit.js';
import { protectedProcedure, publicProcedure, router } from '../trpc.js';

const HOUR_MS = 3_600_000;

/** Failed logins: a user from one address, a user from anywhere, an address for anyone. */
function loginRules(limits: ServerDeps['limits'], username: string, address: string): AttemptRule[] {
  const windowMs = limits.loginWindowMs;
  return [
    { key: `login:${username}@${address}`, limit: limits.loginPerUser, windowMs },
    { key: `login:${username}`, limit: limits.loginPerUserTotal, windowMs },
    { key: `login@${address}`, limit: limits.loginPerAddress, windowMs },
  ];
}

const tooMany = (what: string, seconds: number) =>
  new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `${what}: try again in ${seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`}`,
  });

export const authRouter = router({
  signup: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const { attempts, accounts, limits, signup } = ctx.deps;
    if (signup === 'closed') throw accounts.signupClosed();
    const reserved = await attempts.reserve([
      { key: `signup@${ctx.address}`, limit: limits.signupPerAddress, windowMs: HOUR_MS },
    ]);
    if (!reserved.ok) throw tooMany('too many sign-ups from this address', reserved.retryAfterSeconds);
    const user = await accounts.signup(input.username, input.password, {
      onlyFirst: signup === 'first-user',
    });
    ctx.cookies.set((await accounts.createSession(user.id)).secret);
    return { user };
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { attempts, accounts, limits } = ctx.deps;
    const reserved = await attempts.reserve(loginRules(limits, input.username, ctx.address));
    if (!reserved.ok) {
      throw tooMany(
        reserved.rule.key.startsWith('login@')
          ? 'too many failed logins from this address'
          : 'too many failed logins for this user',
        reserved.retryAfterSeconds,
      );
    }
    const user = await accounts.verify(input.username, input.password);
    // A failed attempt stays counted; a correct one takes back its own reservation, no more.
    if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
    await attempts.release(reserved.ids);
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
