import { Command, Option } from 'clipanion';
import { hostname } from 'node:os';
import { usageError, VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { checkServerUrl, configPath, writeUserConfig } from '../../settings.js';

export class AuthLoginCommand extends VltCommand {
  static override paths = [['auth', 'login']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Log in to the server and store an API token',
    details: `
      Asks the server for an API token (labelled with this machine's name) and stores it as
      \`sync.token\` in config.toml (mode 0600); \`--server\` also stores \`server.url\`. The password
      is read from stdin with \`--password-stdin\`, or asked for on a terminal.
    `,
    examples: [
      ['Log in on a terminal', '$0 auth login --server https://vlt.example.com --username alice'],
      ['From a script', 'printf "%s" "$VLT_PASSWORD" | $0 auth login --username alice --password-stdin'],
    ],
  });

  server = Option.String('--server', { description: 'Server URL to log in to (stored as server.url)' });
  username = Option.String('--username', { required: true, description: 'Your username' });
  passwordStdin = Option.Boolean('--password-stdin', false, { description: 'Read the password from stdin' });

  async run(): Promise<void> {
    const serverUrl = this.server === undefined ? undefined : checkServerUrl(this.server, '--server');
    const password = await this.readPassword();
    if (password.length === 0)
      throw usageError('the password is empty: pass it on stdin with --password-stdin');
    const { api, callServer, connection } = await import('../../sync/run.js');
    const conn = { serverUrl: serverUrl ?? connection(this).serverUrl, token: undefined };
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
      'sync.token': result.token.token,
      ...(serverUrl ? { 'server.url': serverUrl } : {}),
    });
    if (this.json) {
      this.printJson({ server: conn.serverUrl, user: result.user.username, tokenId: result.token.id });
    } else {
      this.print(`Logged in to ${conn.serverUrl} as ${result.user.username}`);
      this.print(`Token stored in ${configPath(this.context.env)}`);
    }
  }

  private async readPassword(): Promise<string> {
    const stdin = this.context.stdin as NodeJS.ReadStream;
    if (this.passwordStdin) return (await this.readContent('-')).replace(/\r?\n$/, '');
    if (!stdin.isTTY) {
      throw usageError('no terminal to ask for the password: pass it on stdin with --password-stdin');
    }
    const { createInterface } = await import('node:readline');
    const rl = createInterface({ input: stdin, output: this.context.stderr, terminal: true });
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    this.context.stderr.write('Password: ');
    const password = await new Promise<string>((resolve) => rl.question('', resolve));
    rl.close();
    this.context.stderr.write('\n');
    return password;
  }
}
