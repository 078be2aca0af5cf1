// Builds the Express app (router at /trpc, /healthz) without listening, for main.ts and tests.
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { sql } from 'drizzle-orm';
import express from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contextFactory, type ServerDeps } from './context.js';
import { storageFailure } from './db/storage-errors.js';
import { appRouter } from './routers/_app.js';

/**
 * Headers on every answer: no framing, no MIME sniffing, scripts and styles from this origin only,
 * and no Referer to other sites.
 */
function securityHeaders(_req: express.Request, res: express.Response, next: express.NextFunction) {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
}

/**
 * The router takes JSON only: a form (multipart/form-data, urlencoded, text/plain), which another
 * site can make a browser send without asking, is refused before any procedure runs.
 */
function jsonOnly(req: express.Request, res: express.Response, next: express.NextFunction) {
  const type = req.headers['content-type'];
  if (req.method === 'POST' && type !== undefined && !/^application\/json\b/i.test(type)) {
    res.status(415).json({
      error: {
        message: `the API takes application/json, not ${type.split(';')[0]}`,
        code: -32600,
        data: { code: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415 },
      },
    });
    return;
  }
  next();
}

/**
 * One line per request when it ends: time, method, path (never the query string, which may carry a
 * search or a question), status, milliseconds; with `debug`, the client's address too. No header,
 * cookie or body is ever logged.
 */
function requestLog(log: ServerDeps['log']) {
  return (req: express.Request, res: express.Response, next: express.NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = req.originalUrl.split('?')[0]!.replace(/[^\x21-\x7e]/g, '?');
      const from = log.level === 'debug' ? ` from ${req.ip ?? req.socket.remoteAddress ?? '?'}` : '';
      log.write(
        `${new Date().toISOString()} ${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms${from}`,
      );
    });
    next();
  };
}

export function createApp(deps: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  if (deps.log.level !== 'off') app.use(requestLog(deps.log));
  app.use(securityHeaders);
  // Healthy means the database takes a write, not only a read: a full disk or a read-only file
  // answers 503 with what is wrong. Four probes a second at most, however often it is asked.
  let probe: { at: number; result: Promise<string | undefined> } | undefined;
  app.get('/healthz', (_req, res) => {
    if (!probe || Date.now() - probe.at > 250) {
      probe = {
        at: Date.now(),
        result: deps.db
          .run(
            sql`INSERT INTO server_settings (name, value) VALUES ('healthz', ${new Date().toISOString()})
                ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
          )
          .then(
            () => undefined,
            (error: Error) => storageFailure(error) ?? error.message,
          ),
      };
    }
    void probe.result.then((problem) => {
      if (problem === undefined) res.json({ ok: true });
      else res.status(503).json({ ok: false, error: `the database cannot be written: ${problem}` });
    });
  });
  app.use('/trpc', jsonOnly);
  app.use(
    '/trpc',
    createExpressMiddleware({
      maxBatchSize: deps.limits.batchCalls,
      router: appRouter,
      createContext: contextFactory(deps),
      maxBodySize: deps.limits.bodyBytes,
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(`vlt-server: ${path ?? '?'}: ${error.cause?.stack ?? error.stack ?? error.message}`);
        } else if (error.code === 'SERVICE_UNAVAILABLE') {
          console.error(`vlt-server: ${path ?? '?'}: ${error.message}`);
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
