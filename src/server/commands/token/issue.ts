// `vlt-server token issue`: prints a new API token for a user, and only the token.
import { Command, Option } from 'clipanion';
import { dataDirectory, dataOption, databaseOption, parse, ServerCommand, ServerError } from '../base.js';

export class TokenIssueCommand extends ServerCommand {
  static override paths = [['token', 'issue']];
  static override usage = Command.Usage({
    description: 'Print a new API token for a user, and only the token',
    examples: [
      ['A token for a CI agent, valid 90 days', '$0 token issue alice --name ci-agent --expires-days 90'],
    ],
  });

  username = Option.String({ name: 'username' });
  name = Option.String('--name', 'cli', { description: 'Label shown in the token list' });
  expiresDays = Option.String('--expires-days', { description: 'Days until it expires (default: never)' });
  data = dataOption();
  databaseUrl = databaseOption();

  async run(): Promise<void> {
    // zod, the database and the services load when the command runs, not at every vlt-server start.
    const { z } = await import('zod');
    const { username: usernameSchema } = await import('../../../shared/schemas.js');
    const username = parse(usernameSchema, this.username, 'username');
    const days = this.expiresDays === undefined ? undefined : Number(this.expiresDays);
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      throw new ServerError(
        `--expires-days must be a whole number from 1 to 3650, not '${this.expiresDays}'`,
      );
    }
    const name = parse(z.string().trim().min(1).max(64), this.name, 'token label');
    const { openData } = await import('../open-data.js');
    const deps = await openData(this.data, this.databaseUrl, this.context.env, this.context.stderr);
    try {
      const user = await deps.accounts.userByName(username);
      if (!user) {
        throw new ServerError(
          `no user '${username}' in ${dataDirectory(this.data).path}: create it with \`vlt-server user add ${username}\`, or give the server's --data`,
        );
      }
      this.context.stdout.write(`${(await deps.accounts.createToken(user.id, name, days)).token}\n`);
      // Only the token on stdout (for scripts); where it came from on stderr.
      this.context.stderr.write(
        `vlt-server: a token for ${username} of the server in ${dataDirectory(this.data).path}\n`,
      );
    } finally {
      await deps.db.close();
    }
  }
}
