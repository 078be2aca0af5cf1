import { Command } from 'clipanion';
import { VltCommand } from '../../base.js';
import { writeUserConfig } from '../../settings.js';

export class AuthLogoutCommand extends VltCommand {
  static override paths = [['auth', 'logout']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Revoke the stored token on the server and forget it',
    details: `
      Revokes the token for the server in force here, then removes it from config.toml (tokens for
      other servers stay). If the server cannot be reached, the token is still forgotten here and
      the command says to revoke it in the web UI's Settings. Entries not yet sent stay queued for
      the next login.
    `,
    examples: [['Log out', '$0 auth logout']],
  });

  async run(): Promise<void> {
    const { api, callServer, connection } = await import('../../sync/run.js');
    const conn = connection(this);
    const token = this.tokenFor(conn.origin);
    if (!token) {
      this.print(`Not logged in to ${conn.origin}.`);
      return;
    }
    let revoked = true;
    let warning: string | undefined;
    try {
      await callServer(conn, () => api(conn, 10_000).auth.logout.mutate(undefined));
    } catch (error) {
      revoked = false;
      warning = (error as Error).message;
    }
    const { [conn.origin]: _forgotten, ...tokens } = this.config.tokens;
    writeUserConfig(this.context.env, { ...this.config, tokens });
    if (this.json) {
      this.printJson({ server: conn.url, revoked, forgotten: true });
      return;
    }
    this.print(`Logged out of ${conn.url}`);
    if (!revoked)
      this.warn(`vlt: the token is forgotten here but was not revoked (${warning}): revoke it in Settings`);
    if (token.source === 'env')
      this.warn('vlt: VLT_SYNC_TOKEN is still set in your environment: unset it too');
  }
}
