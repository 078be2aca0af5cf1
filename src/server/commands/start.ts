// `vlt-server start`: the web UI at /, the router at /trpc, GET /healthz; finishes requests in flight
// on SIGTERM.
import { Command, Option } from 'clipanion';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { dataOption, databaseOption, ServerCommand, ServerError } from './base.js';

export class StartCommand extends ServerCommand {
  static override paths = [['start']];
  static override usage = Command.Usage({
    description: 'Serve the web UI at /, the router at /trpc and GET /healthz',
    examples: [
      ['With the defaults (127.0.0.1:8000, ./data)', '$0 start'],
      ['On all interfaces, another port', '$0 start --host 0.0.0.0 --port 8080'],
    ],
  });

  host = Option.String('--host', { env: 'VLT_SERVER_HOST', description: 'Address (default 127.0.0.1)' });
  port = Option.String('--port', { env: 'VLT_SERVER_PORT', description: 'Port (default 8000; 0 picks one)' });
  data = dataOption();
  databaseUrl = databaseOption();

  async run(): Promise<void> {
    const host = this.host ?? '127.0.0.1';
    const port = Number(this.port ?? 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ServerError(`--port must be a whole number from 0 to 65535, not '${this.port}'`);
    }
    // The port first: a start on a busy port says so before it makes or opens anything (a data
    // directory included). Until the app is ready, a request is answered 503.
    const server = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
      response.end('vlt-server is starting\n');
    });
    await new Promise<void>((resolveListen, reject) => {
      const failed = (error: NodeJS.ErrnoException) =>
        reject(new ServerError(`cannot listen on ${host}:${port} (${error.code}): pick another --port`));
      server.once('error', failed);
      server.listen(port, host, () => {
        server.off('error', failed);
        // Once listening, an error (a connection it could not accept: out of file descriptors)
        // is said, and the server goes on.
        server.on('error', (error: NodeJS.ErrnoException) => {
          this.context.stderr.write(`vlt-server: ${error.code ?? error.message}: a connection was refused\n`);
        });
        resolveListen();
      });
    });
    // The database and the HTTP stack (express, tRPC, the routers) load here, not at the start of
    // every vlt-server command.
    const { openData } = await import('./open-data.js');
    let deps: Awaited<ReturnType<typeof openData>>;
    try {
      deps = await openData(this.data, this.databaseUrl, this.context.env, this.context.stderr);
    } catch (error) {
      server.close();
      throw error;
    }
    // Expired sessions and attempts that count no more go at start and then hourly, so the tables
    // do not grow without end.
    const prune = async () => {
      await deps.accounts.pruneSessions();
      await deps.attempts.prune(Math.max(deps.limits.loginWindowMs, 3_600_000));
    };
    try {
      const { createApp } = await import('../app.js');
      await prune();
      server.removeAllListeners('request');
      server.on('request', createApp(deps));
    } catch (error) {
      server.close();
      await deps.db.close().catch(() => undefined);
      throw error;
    }
    const pruning = setInterval(() => void prune().catch(() => undefined), 3_600_000);
    pruning.unref();
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    this.context.stdout.write(
      `vlt-server listening on http://${host}:${actualPort} (data: ${resolve(this.data ?? './data')}${deps.db.dialect === 'postgres' ? `, database: ${deps.db.describe}` : ''})\n`,
    );
    await new Promise<void>((resolveStop) => {
      const stop = (signal: string) => {
        this.context.stdout.write(`vlt-server: ${signal}, finishing requests in flight\n`);
        // Stop accepting, let requests in flight finish, then close the database.
        server.close(() => {
          void deps.db.close().finally(resolveStop);
        });
        server.closeIdleConnections();
        // Open event streams (a thread page, an answer being streamed) would hold the process
        // forever: they are cut after a grace period; browsers reconnect to the next server.
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  }
}
