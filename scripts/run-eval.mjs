// Bundles eval/cli.ts with esbuild (dependencies stay in node_modules) and runs it.
import { build } from 'esbuild';

await build({
  entryPoints: ['eval/cli.ts'],
  outfile: 'dist/eval.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
await import(new URL('../dist/eval.mjs', import.meta.url).href);
