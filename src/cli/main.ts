// Process entry of `vlt` (bundled into dist/cli/vlt.mjs).
import { Cli } from 'clipanion';
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), { ...Cli.defaultContext, cwd: process.cwd() });
process.exitCode = code;
