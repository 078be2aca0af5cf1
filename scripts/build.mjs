// Builds the `vlt` CLI bundle and the `vlt-server` bundle with esbuild (run by `npm install`).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const started = Date.now();
rmSync('dist', { recursive: true, force: true });

// Bundled ESM still meets CommonJS dependencies that call require(): give them one.
const banner = {
  js: "import { createRequire as __vltCreateRequire } from 'node:module'; const require = __vltCreateRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  banner,
  logLevel: 'warning',
  legalComments: 'none',
};

await build({
  ...common,
  entryPoints: { vlt: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  // The native addon is loaded from node_modules; everything else is inlined for a fast start.
  external: ['better-sqlite3'],
  minifySyntax: true,
});

await build({
  ...common,
  entryPoints: { 'vlt-server': 'src/server/main.ts' },
  outdir: 'dist/server',
  outExtension: { '.js': '.mjs' },
  packages: 'external',
});

console.log(`built dist/cli/vlt.mjs and dist/server/vlt-server.mjs in ${Date.now() - started} ms`);
