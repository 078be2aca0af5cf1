// Builds the Express app (router at /trpc, /healthz) without listening, for main.ts and tests.
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express from 'express';
import { contextFactory, type ServerDeps } from './context.js';
import { appRouter } from './routers/_app.js';

export function createApp(deps: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    deps.db.sqlite.prepare('SELECT 1').get();
    res.json({ ok: true });
  });
  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: contextFactory(deps),
      maxBodySize: deps.limits.bodyBytes,
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(`vlt-server: ${path ?? '?'}: ${error.cause?.stack ?? error.stack ?? error.message}`);
        }
      },
    }),
  );
  return app;
}
