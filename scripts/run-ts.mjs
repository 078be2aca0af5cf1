// Runs a TypeScript script of this repository (eval, benchmarks): bundles it with esbuild,
// dependencies left in node_modules, into dist/, then imports it. Usage: node scripts/run-ts.mjs FILE [ARGS]
import { build } from 'esbuild';
import { basename } from 'node:path';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args]');
  process.exit(2);
}
const outfile = `dist/run/${basename(entry).replace(/\.ts$/, '')}.mjs`;
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
process.argv.splice(2, 1);
await import(new URL(`../${outfile}`, import.meta.url).href);
