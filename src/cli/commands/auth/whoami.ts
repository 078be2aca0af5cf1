import { Command } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';

export class AuthWhoamiCommand extends VltCommand {
  static override paths = [['auth', 'whoami']];
  static override usage = Command.Usage({
    category: 'Sync',
    description: 'Show the user the stored token belongs to',
    examples: [['Who am I on the server?', '$0 auth whoami']],
  });

  async run(): Promise<void> {
    const { api, callServer, connection, notLoggedIn } = await import('../../sync/run.js');
    const conn = connection(this);
    if (!conn.token) throw new VltError(notLoggedIn(conn), 1, 'unauthorized');
    const me = await callServer(conn, () => api(conn, 10_000).auth.me.query(undefined));
    if (this.json) this.printJson({ server: conn.url, user: me.user.username });
    else this.print(`${me.user.username} on ${conn.url}`);
  }
}
