// Process entry of `vlt-server` (bundled into dist/server/vlt-server.mjs).
import { Builtins, Cli, Command, Option } from 'clipanion';
import { createServer } from 'node:http';
import { createApp } from './app.js';

class StartCommand extends Command {
  static override paths = [['start']];
  static override usage = Command.Usage({
    description: 'Serve the router at /trpc and GET /healthz',
    examples: [['On another port', '$0 start --port 8080']],
  });

  host = Option.String('--host', { env: 'VLT_SERVER_HOST', description: 'Address (default 127.0.0.1)' });
  port = Option.String('--port', { env: 'VLT_SERVER_PORT', description: 'Port (default 8000; 0 picks one)' });
  data = Option.String('--data', { env: 'VLT_SERVER_DATA', description: 'Data directory (default ./data)' });

  async execute(): Promise<number> {
    const host = this.host ?? '127.0.0.1';
    const port = Number(this.port ?? 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      this.context.stderr.write(`vlt-server: --port must be 0-65535, not '${this.port}'\n`);
      return 2;
    }
    const server = createServer(createApp({ startedAt: new Date() }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    this.context.stdout.write(`vlt-server listening on http://${host}:${actualPort}\n`);
    const stop = () => server.close(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await new Promise(() => {});
    return 0;
  }
}

const cli = new Cli({ binaryName: 'vlt-server', binaryLabel: 'vlt server', binaryVersion: '0.1.0' });
cli.register(StartCommand);
cli.register(Builtins.HelpCommand);
cli.register(Builtins.VersionCommand);
process.exitCode = await cli.run(process.argv.slice(2));
