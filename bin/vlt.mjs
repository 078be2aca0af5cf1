#!/usr/bin/env node
// `vlt`: runs the CLI bundle that `npm install` builds.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/vlt.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('vlt: the CLI is not built: run `npm install` (or `npm run build`) in the vlt checkout\n');
  process.exit(1);
}
await import(bundle.href);
