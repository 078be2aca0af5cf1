// The root router: every procedure of the API.
import { createCallerFactory, router } from '../trpc.js';
import { authRouter } from './auth.js';
import { codeRouter } from './code.js';
import { notesRouter } from './notes.js';
import { oracleRouter } from './oracle.js';
import { projectsRouter } from './projects.js';
import { threadsRouter } from './threads.js';
import { tokensRouter } from './tokens.js';

export const appRouter = router({
  auth: authRouter,
  tokens: tokensRouter,
  threads: threadsRouter,
  projects: projectsRouter,
  oracle: oracleRouter,
  notes: notesRouter,
  code: codeRouter,
});

export const createCaller = createCallerFactory(appRouter);
export type AppRouter = typeof appRouter;
