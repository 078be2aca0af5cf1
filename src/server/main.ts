// Process entry of `vlt-server` (bundled into dist/server/vlt-server.mjs): one command a file under
// commands/, as the CLI's are.
import { Builtins, Cli, type BaseContext } from 'clipanion';
import { namedPlaceholders, negativeValues } from '../shared/cli-usage.js';
import { VERSION } from '../shared/version.js';
import { BackupCommand } from './commands/backup.js';
import { StartCommand } from './commands/start.js';
import { TokenIssueCommand } from './commands/token/issue.js';
import { UserAddCommand } from './commands/user/add.js';

const COMMANDS = [StartCommand, UserAddCommand, TokenIssueCommand, BackupCommand];

/** clipanion, with `--data <data>` rather than `--data #0` in the help. */
class ServerCli extends Cli<BaseContext> {
  protected override getUsageByIndex(...args: Parameters<Cli<BaseContext>['getUsageByIndex']>) {
    const { usage, options } = super.getUsageByIndex(...args);
    return {
      usage: namedPlaceholders(usage),
      options: options.map((o) => ({ ...o, definition: namedPlaceholders(o.definition) })),
    };
  }
}

const cli = new ServerCli({
  binaryName: 'vlt-server',
  binaryLabel: 'vlt-server: the vlt server (web UI, API, Oracle)',
  binaryVersion: VERSION,
  // Colours on a terminal only: a pipe or a file gets plain text.
  enableColors: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
});
for (const command of COMMANDS) cli.register(command);
cli.register(Builtins.HelpCommand);
cli.register(Builtins.VersionCommand);
const args = process.argv.slice(2);
let parsed;
try {
  try {
    parsed = cli.process(args);
  } catch (error) {
    // `--expires-days -3`: parsed again as `--expires-days=-3`, so the command judges the value.
    const joined = negativeValues(args, (error as Error).message);
    if (!joined) throw error;
    parsed = cli.process(joined);
  }
} catch (error) {
  // Clipanion reports parse errors on stdout, over several lines: one line on stderr instead.
  const first = ((error as Error).message.split('\n')[0] ?? '').replace(/[.:;]+$/, '');
  if (first.startsWith('Command not found')) {
    const names = COMMANDS.map((c) => c.paths![0]!.join(' ')).join(', ');
    // The command's words: one, or two for a group's (`user add`).
    const words = args.filter((a) => !a.startsWith('-'));
    const groups = new Set(COMMANDS.flatMap((c) => c.paths!.filter((p) => p.length === 2).map((p) => p[0])));
    const typed = words.slice(0, groups.has(words[0]) ? 2 : 1).join(' ');
    process.stderr.write(
      `vlt-server: unknown command '${typed.replace(/[^\x20-\x7e]/g, '?')}': the commands are ${names} (see \`vlt-server --help\`)\n`,
    );
  } else {
    process.stderr.write(
      `vlt-server: ${first.replace(/^./, (c) => c.toLowerCase())}: see \`vlt-server --help\`\n`,
    );
  }
  process.exit(2);
}
process.exitCode = await cli.run(parsed);
