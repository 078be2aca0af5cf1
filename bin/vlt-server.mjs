#!/usr/bin/env node
// `vlt-server`: runs the server bundle that `npm install` builds.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/server/vlt-server.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('vlt-server: the server is not built: run `npm install` (or `npm run build`) in the vlt checkout\n');
  process.exit(1);
}
await import(bundle.href);
