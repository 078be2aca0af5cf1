import { Command, Option } from 'clipanion';
import { VltCommand } from '../../base.js';
import {
  checkConfigKey,
  checkConfigValue,
  CONFIG_KEYS,
  configPath,
  maskToken,
  writeUserConfig,
} from '../../settings.js';

export class ConfigSetCommand extends VltCommand {
  static override paths = [['config', 'set']];
  static override usage = Command.Usage({
    category: 'Configuration',
    description: 'Store a user setting in config.toml',
    details: `
      Keys: ${CONFIG_KEYS.join(', ')}. The file is \`$VLT_HOME/config.toml\`, written with mode 0600
      because it can hold the sync token. Values are checked before anything is written.
    `,
    examples: [
      ['Point vlt at a server', '$0 config set server.url https://vlt.example.com'],
      ['Sign entries as an agent', '$0 config set author claude'],
    ],
  });

  key = Option.String({ name: 'key' });
  value = Option.String({ name: 'value' });

  run(): void {
    const key = checkConfigKey(this.key);
    const value = checkConfigValue(key, this.value);
    writeUserConfig(this.context.env, { ...this.config, [key]: value });
    const shown = key === 'sync.token' ? maskToken(value) : value;
    if (this.json) this.printJson({ key, value: shown, file: configPath(this.context.env) });
    else this.print(`SET: ${key} = ${shown}`);
  }
}
