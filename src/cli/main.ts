// Process entry of `vlt` (bundled into dist/cli/vlt.mjs).
import { Cli } from 'clipanion';
import { runCli } from './cli.js';

// Colours only on a terminal: help piped to a file or a pager stays plain text.
const colorDepth = process.stdout.isTTY ? Cli.defaultContext.colorDepth : 1;
void runCli(process.argv.slice(2), { ...Cli.defaultContext, colorDepth, cwd: process.cwd() }).then((code) => {
  process.exitCode = code;
});
