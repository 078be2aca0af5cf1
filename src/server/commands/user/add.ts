// `vlt-server user add`: creates an account (the operator's way once sign-up is closed).
import { Command, Option } from 'clipanion';
import {
  dataDirectory,
  dataOption,
  databaseOption,
  parse,
  readPassword,
  ServerCommand,
  ServerError,
} from '../base.js';

export class UserAddCommand extends ServerCommand {
  static override paths = [['user', 'add']];
  static override usage = Command.Usage({
    description: 'Create an account',
    details: `
      Asks for the password on a terminal (twice, without echo), or reads it from stdin with
      --password-stdin. Prints the data directory it wrote to.
    `,
    examples: [
      ['Create alice (asks for the password)', '$0 user add alice --data /srv/vlt'],
      ['Password from stdin', 'printf "%s" "$PASSWORD" | $0 user add alice --password-stdin'],
    ],
  });

  username = Option.String({ name: 'username' });
  passwordStdin = Option.Boolean('--password-stdin', false, { description: 'Read the password from stdin' });
  data = dataOption();
  databaseUrl = databaseOption();

  async run(): Promise<void> {
    // zod, the database and the services load when the command runs, not at every vlt-server start.
    const { password: passwordSchema, username: usernameSchema } = await import('../../../shared/schemas.js');
    const username = parse(usernameSchema, this.username, 'username');
    const password = parse(passwordSchema, await readPassword(this.context, this.passwordStdin), 'password');
    const { openData } = await import('../open-data.js');
    const deps = await openData(this.data, this.databaseUrl, this.context.env, this.context.stderr);
    try {
      if (await deps.accounts.userByName(username))
        throw new ServerError(`the user '${username}' exists already`);
      await deps.accounts.signup(username, password);
      this.context.stdout.write(
        `created user ${username} in ${dataDirectory(this.data).path}${this.databaseUrl ? ` (database: ${deps.db.describe})` : ''}\n`,
      );
    } finally {
      await deps.db.close();
    }
  }
}
