// Process entry of `vlt` (bundled into dist/cli/vlt.mjs).
import { Cli } from 'clipanion';
import { runCli } from './cli.js';

void runCli(process.argv.slice(2), { ...Cli.defaultContext, cwd: process.cwd() }).then((code) => {
  process.exitCode = code;
});
