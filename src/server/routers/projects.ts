// Projects with their thread counts.
import { protectedProcedure, router } from '../trpc.js';

export const projectsRouter = router({
  list: protectedProcedure.query(({ ctx }) => ctx.deps.threads.projects(ctx.user.id)),
});
