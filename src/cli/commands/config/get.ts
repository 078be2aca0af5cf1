import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import { checkConfigKey, CONFIG_KEYS } from '../../settings.js';

export class ConfigGetCommand extends VltCommand {
  static override paths = [['config', 'get']];
  static override usage = Command.Usage({
    category: 'Configuration',
    description: 'Print the value a setting has here',
    details: `
      Prints the value in force for ${CONFIG_KEYS.join(', ')}: from the environment
      (VLT_SERVER_URL, VLT_SYNC_TOKEN, VLT_AUTHOR), vlt.toml, config.toml, or the default, in that
      order. \`sync.token\` is the token for the origin of the server in force (a vlt.toml's server
      has one only if you stored one for it). \`--json\` adds where it came from. Exits 1 when the
      key has no value.
    `,
    examples: [
      ['The server this directory syncs to', '$0 config get server.url'],
      ['With its source', '$0 config get author --json'],
    ],
  });

  key = Option.String({ name: 'key' });

  run(): void {
    const key = checkConfigKey(this.key);
    const { value, source } = this.setting(key);
    const server = key === 'sync.token' ? { server: this.server().origin } : {};
    if (this.json) {
      this.printJson({ key, value: value ?? null, source, ...server });
      return;
    }
    if (value === undefined) {
      const what =
        key === 'sync.token' ? `there is no token for ${this.server().origin}` : `${key} is not set`;
      const how = key === 'sync.token' ? 'vlt auth login' : `vlt config set ${key} <value>`;
      throw new VltError(`${what}: set it with \`${how}\``);
    }
    this.print(terminalText(value));
  }
}
