// Process entry of `vlt` (bundled into dist/cli/vlt.mjs).
import { Cli } from 'clipanion';
import { runCli } from './cli.js';

// A reader that goes away (`vlt thread list | head -1`) ends the output, not in a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Colours only on a terminal: help piped to a file or a pager stays plain text.
const colorDepth = process.stdout.isTTY ? Cli.defaultContext.colorDepth : 1;
void runCli(process.argv.slice(2), {
  ...Cli.defaultContext,
  colorDepth,
  cwd: process.cwd(),
  entry: process.argv[1],
}).then((code) => {
  process.exitCode = code;
});
