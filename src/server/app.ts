// Builds the Express app (router at /trpc, /healthz) without listening, for main.ts and tests.
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express from 'express';
import { contextFactory, type ContextDeps } from './context.js';
import { appRouter } from './routers/_app.js';

export function createApp(deps: ContextDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/trpc', createExpressMiddleware({ router: appRouter, createContext: contextFactory(deps) }));
  return app;
}
