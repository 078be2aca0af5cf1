// Builds the Express app (router at /trpc, /healthz) without listening, for main.ts and tests.
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { sql } from 'drizzle-orm';
import express from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contextFactory, type ServerDeps } from './context.js';
import { appRouter } from './routers/_app.js';

export function createApp(deps: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    deps.db.get(sql`SELECT 1 AS ok`).then(
      () => res.json({ ok: true }),
      (error: Error) => res.status(503).json({ ok: false, error: `database: ${error.message}` }),
    );
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
  const web = webDirectory();
  if (web) {
    app.use(express.static(web, { index: false, maxAge: '1h' }));
    // Every other GET is a page of the single-page app: it reads its URL itself.
    app.get(/^\/(?!trpc\/|healthz$).*/, (_req, res) => {
      res.sendFile(join(web, 'index.html'), { maxAge: 0 });
    });
  } else {
    app.get('/', (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The web UI is not built: run `npm run build` in the vlt checkout.\n');
    });
  }
  return app;
}

/** dist/web beside the server bundle (or the source tree), if it was built. */
function webDirectory(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (existsSync(join(dir, 'web', 'index.html')) && dir.endsWith('dist')) return join(dir, 'web');
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
