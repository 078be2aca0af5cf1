import { Command } from 'clipanion';
import { VltCommand } from '../../base.js';
import { columns } from '../../output.js';
import { CONFIG_KEYS, maskToken } from '../../settings.js';

export class ConfigListCommand extends VltCommand {
  static override paths = [['config', 'list']];
  static override usage = Command.Usage({
    category: 'Configuration',
    description: 'Show every setting, where it comes from, token masked',
    details: `
      \`sync.token\` is the token for the origin of the server in force (\`server.url\`), masked.
    `,
    examples: [['All settings', '$0 config list']],
  });

  run(): void {
    const settings = CONFIG_KEYS.map((key) => {
      const { value, source } = this.setting(key);
      return {
        key,
        value: value === undefined ? null : key === 'sync.token' ? maskToken(value) : value,
        source,
      };
    });
    if (this.json) {
      this.printJson({ settings });
      return;
    }
    const rows = [['KEY', 'VALUE', 'SOURCE']];
    for (const s of settings) rows.push([s.key, s.value ?? '(not set)', s.source]);
    for (const line of columns(rows)) this.print(line);
  }
}
