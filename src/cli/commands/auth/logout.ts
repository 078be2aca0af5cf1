import { Command } from 'clipanion';
import { VltCommand } from '../../base.js';
import { writeUserConfig } from '../../settings.js';

export class AuthLogoutCommand extends VltCommand {
  static override paths = [['auth', 'logout']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Revoke the stored token on the server and forget it',
    details: `
      Revokes the token on the server, then removes \`sync.token\` from config.toml. If the server
      cannot be reached, the token is still forgotten here and the command says to revoke it in the
      web UI's Settings. Entries not yet sent stay queued for the next login.
    `,
    examples: [['Log out', '$0 auth logout']],
  });

  async run(): Promise<void> {
    const { api, callServer, connection } = await import('../../sync/run.js');
    const conn = connection(this);
    if (!conn.token) {
      this.print('Not logged in.');
      return;
    }
    let revoked = true;
    let warning: string | undefined;
    try {
      await callServer(conn, () => api(conn, 10_000).auth.logout.mutate());
    } catch (error) {
      revoked = false;
      warning = (error as Error).message;
    }
    const { 'sync.token': _token, ...rest } = this.config;
    writeUserConfig(this.context.env, rest);
    if (this.json) {
      this.printJson({ server: conn.serverUrl, revoked, forgotten: true });
      return;
    }
    this.print(`Logged out of ${conn.serverUrl}`);
    if (!revoked) {
      this.context.stderr.write(
        `vlt: the token is forgotten here but was not revoked (${warning}): revoke it in Settings\n`,
      );
    }
    if (this.context.env.VLT_SYNC_TOKEN) {
      this.context.stderr.write('vlt: VLT_SYNC_TOKEN is still set in your environment: unset it too\n');
    }
  }
}
