// `vlt-server backup <file>`: a consistent copy of the server's SQLite database while it runs
// (SQLite's online backup), with the secret that keys its sessions and tokens beside it.
import { Command, Option } from 'clipanion';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataDirectory, dataOption, databaseOption, ServerCommand, ServerError } from './base.js';

export class BackupCommand extends ServerCommand {
  static override paths = [['backup']];
  static override usage = Command.Usage({
    description: 'Copy the server database (SQLite) and its secret, while the server runs',
    details: `
      Writes a consistent copy of the data directory's \`vlt.db\` to FILE (SQLite's online backup:
      the server may keep running) and the \`secret\` file to FILE.secret, both mode 0600. Keep the
      two together: without the secret, the copy's sessions and API tokens no longer work. To
      restore, stop the server and copy them back as \`vlt.db\` and \`secret\`. On PostgreSQL, use
      \`pg_dump\` (see docs/server.md).
    `,
    examples: [['Nightly', '$0 backup /backups/vlt-$(date +%F).db --data /srv/vlt']],
  });

  file = Option.String({ name: 'file' });
  data = dataOption();
  databaseUrl = databaseOption();

  async run(): Promise<void> {
    if (this.databaseUrl !== undefined) {
      throw new ServerError(
        'on PostgreSQL, back up with pg_dump (`pg_dump --format=custom --file vlt.dump "$VLT_SERVER_DATABASE_URL"`) and keep VLT_SERVER_SECRET with it',
      );
    }
    const { path: data, exists } = dataDirectory(this.data);
    const database = join(data, 'vlt.db');
    if (!exists || !existsSync(database)) {
      throw new ServerError(`no server database in ${data}: give the server's data directory with --data`);
    }
    const target = resolve(this.file);
    for (const path of [target, `${target}.secret`]) {
      if (existsSync(path)) throw new ServerError(`${path} exists already: choose a new file name`);
    }
    const { default: Database } = await import('better-sqlite3');
    const source = new Database(database, { fileMustExist: true });
    try {
      source.pragma('busy_timeout = 10000');
      await source.backup(target);
    } catch (error) {
      throw new ServerError(`cannot write the backup ${target} (${(error as Error).message})`);
    } finally {
      source.close();
    }
    chmodSync(target, 0o600);
    copyFileSync(join(data, 'secret'), `${target}.secret`);
    chmodSync(`${target}.secret`, 0o600);
    this.context.stdout.write(
      `backed up ${data}: the database to ${target}, its secret to ${target}.secret (keep the two together)\n`,
    );
  }
}
