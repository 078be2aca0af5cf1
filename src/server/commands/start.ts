// `vlt-server start`: the web UI at /, the router at /trpc, GET /healthz; finishes requests in flight
// on SIGTERM.
import { Command, Option } from 'clipanion';
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataDirectory, dataOption, databaseOption, ServerCommand, ServerError } from './base.js';

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
    // The database and the HTTP stack (express, tRPC, the routers) load here, not at the start of
    // every vlt-server command.
    const { openData } = await import('./open-data.js');
    // A data directory this start makes is taken away again if the port cannot be had, so that a
    // start on a busy port leaves nothing behind.
    const data = dataDirectory(this.data);
    const deps = await openData(this.data, this.databaseUrl, this.context.env, this.context.stderr);
    const { createApp } = await import('../app.js');
    // Expired sessions and attempts that count no more go at start and then hourly, so the tables
    // do not grow without end.
    const prune = async () => {
      await deps.accounts.pruneSessions();
      await deps.attempts.prune(Math.max(deps.limits.loginWindowMs, 3_600_000));
    };
    await prune();
    const pruning = setInterval(() => void prune().catch(() => undefined), 3_600_000);
    pruning.unref();
    const server = createServer(createApp(deps));
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        void deps.db
          .close()
          .catch(() => undefined)
          .finally(() => {
            if (!data.exists) rmSync(data.path, { recursive: true, force: true });
            reject(new ServerError(`cannot listen on ${host}:${port} (${error.code}): pick another --port`));
          });
      });
      server.listen(port, host, resolveListen);
    });
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
