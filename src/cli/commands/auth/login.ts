import { Command, Option } from 'clipanion';
import { hostname } from 'node:os';
import { usageError, VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { configPath, writeUserConfig } from '../../settings.js';

export class AuthLoginCommand extends VltCommand {
  static override paths = [['auth', 'login']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Log in to the server and store an API token',
    details: `
      Asks the server for an API token (labelled with this machine's name) and stores it in
      config.toml (mode 0600) for that server's origin (scheme://host:port) only: it is never sent
      to another server. The server is \`--server\` (then also stored as \`server.url\`), else the one
      in force here. The password is read from stdin with \`--password-stdin\`, or asked for on a
      terminal.
    `,
    examples: [
      ['Log in on a terminal', '$0 auth login --server https://vlt.example.com --username alice'],
      ['From a script', 'printf "%s" "$VLT_PASSWORD" | $0 auth login --username alice --password-stdin'],
    ],
  });

  serverOption = Option.String('--server', {
    description: 'Server URL to log in to (stored as server.url)',
  });
  username = Option.String('--username', { required: true, description: 'Your username' });
  passwordStdin = Option.Boolean('--password-stdin', false, { description: 'Read the password from stdin' });

  async run(): Promise<void> {
    const { api, callServer, connection } = await import('../../sync/run.js');
    const conn = { ...connection(this, this.serverOption), token: undefined };
    const password = await this.readPassword();
    if (password.length === 0)
      throw usageError('the password is empty: pass it on stdin with --password-stdin');
    const result = await callServer(conn, () =>
      api(conn, 15_000).auth.login.mutate({
        username: this.username,
        password,
        token: { name: `vlt on ${hostname()}`.slice(0, 64) },
      }),
    );
    if (!result.token) throw new VltError('the server returned no token: upgrade vlt-server');
    writeUserConfig(this.context.env, {
      ...this.config,
      tokens: { ...this.config.tokens, [conn.origin]: result.token.token },
      ...(this.serverOption !== undefined ? { 'server.url': conn.url } : {}),
    });
    if (this.json) {
      this.printJson({ server: conn.url, user: result.user.username, tokenId: result.token.id });
    } else {
      this.print(`Logged in to ${conn.url} as ${result.user.username}`);
      this.print(`Token stored for ${conn.origin} in ${configPath(this.context.env)}`);
    }
  }

  private async readPassword(): Promise<string> {
    if (this.passwordStdin) return (await this.readContent('-')).replace(/\r?\n$/, '');
    if (!(this.context.stdin as NodeJS.ReadStream).isTTY) {
      throw usageError('no terminal to ask for the password: pass it on stdin with --password-stdin');
    }
    return this.readSecret('Password');
  }
}
