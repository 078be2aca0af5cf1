import { Command, Option } from 'clipanion';
import { usageError } from '../../../shared/errors.js';
import { VltCommand } from '../../base.js';
import { terminalText } from '../../output.js';
import {
  checkConfigKey,
  checkConfigValue,
  CONFIG_KEYS,
  configPath,
  maskToken,
  writeUserConfig,
  type UserConfig,
} from '../../settings.js';

export class ConfigSetCommand extends VltCommand {
  static override paths = [['config', 'set']];
  static override usage = Command.Usage({
    category: 'Configuration',
    description: 'Store a user setting in config.toml',
    details: `
      Keys: ${CONFIG_KEYS.join(', ')}. The file is \`$VLT_HOME/config.toml\`, written with mode 0600
      because it holds tokens. Values are checked before anything is written. \`sync.token\` is
      stored for the origin (scheme://host:port) of the server in force, and sent to no other; give
      \`-\` as its value to read it from stdin (asked for, unechoed, on a terminal), so that it stays
      out of your shell history.
    `,
    examples: [
      ['Point vlt at a server', '$0 config set server.url https://vlt.example.com'],
      ['Store its token, pasted when asked', '$0 config set sync.token -'],
      ['Sign entries as an agent', '$0 config set author claude'],
    ],
  });

  key = Option.String({ name: 'key' });
  value = Option.String({ name: 'value' });

  async run(): Promise<void> {
    const key = checkConfigKey(this.key);
    if (key !== 'sync.token') {
      const value = checkConfigValue(key, this.value);
      writeUserConfig(this.context.env, { ...this.config, [key]: value } satisfies UserConfig);
      this.report(key, value);
      return;
    }
    const typed = this.value === '-' ? (await this.readSecret('Token')).trim() : this.value;
    if (typed === '') throw usageError('no token was given: paste it when asked, or pipe it in');
    const token = checkConfigValue(key, typed);
    const { origin } = this.server();
    writeUserConfig(this.context.env, { ...this.config, tokens: { ...this.config.tokens, [origin]: token } });
    this.report(key, maskToken(token), origin);
  }

  private report(key: string, shown: string, origin?: string): void {
    if (this.json) {
      this.printJson({
        key,
        value: shown,
        file: configPath(this.context.env),
        ...(origin ? { server: origin } : {}),
      });
    } else {
      this.print(`SET: ${key} = ${terminalText(shown)}${origin ? ` (for ${origin})` : ''}`);
    }
  }
}
