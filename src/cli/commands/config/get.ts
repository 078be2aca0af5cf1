import { Command, Option } from 'clipanion';
import { VltError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { checkConfigKey, CONFIG_KEYS } from '../../settings.js';

export class ConfigGetCommand extends VltCommand {
  static override paths = [['config', 'get']];
  static override usage = Command.Usage({
    category: 'Configuration',
    description: 'Print the value a setting has here',
    details: `
      Prints the value in force for ${CONFIG_KEYS.join(', ')}: from the environment
      (VLT_SERVER_URL, VLT_SYNC_TOKEN, VLT_AUTHOR), vlt.toml, config.toml, or the default, in that
      order. \`--json\` adds where it came from. Exits 1 when the key has no value.
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
    if (this.json) {
      this.printJson({ key, value: value ?? null, source });
      return;
    }
    if (value === undefined)
      throw new VltError(`${key} is not set: set it with \`vlt config set ${key} <value>\``);
    this.print(value);
  }
}
