// Process entry of `vlt-server` (bundled into dist/server/vlt-server.mjs): one command a file under
// commands/, as the CLI's are.
import { Builtins, Cli } from 'clipanion';
import { VERSION } from '../shared/version.js';
import { StartCommand } from './commands/start.js';
import { TokenIssueCommand } from './commands/token/issue.js';
import { UserAddCommand } from './commands/user/add.js';

const cli = new Cli({ binaryName: 'vlt-server', binaryLabel: 'vlt server', binaryVersion: VERSION });
for (const command of [StartCommand, UserAddCommand, TokenIssueCommand]) cli.register(command);
cli.register(Builtins.HelpCommand);
cli.register(Builtins.VersionCommand);
const args = process.argv.slice(2);
let parsed;
try {
  parsed = cli.process(args);
} catch (error) {
  // Clipanion reports parse errors on stdout, over several lines: one line on stderr instead.
  const first = ((error as Error).message.split('\n')[0] ?? '').replace(/[.:;]+$/, '');
  process.stderr.write(`vlt-server: ${first}: see \`vlt-server --help\`\n`);
  process.exit(2);
}
process.exitCode = await cli.run(parsed);
