// Builds the `vlt` CLI bundle and the `vlt-server` bundle with esbuild (run by `npm install`).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildLexicon } from './build-lexicon.mjs';

const started = Date.now();
rmSync('dist', { recursive: true, force: true });

// Bundled ESM still meets CommonJS dependencies that call require(): give them one.
const banner = {
  js: "#!/usr/bin/env node\nimport { createRequire as __vltCreateRequire } from 'node:module'; const require = __vltCreateRequire(import.meta.url);",
};

// zod's `z` namespace re-exports its 40-odd message locales (260 KB of the bundle, read and compiled
// by every command that validates anything); vlt never calls `z.config(z.locales.…)`, and zod
// registers English itself (zod/v4/classic/schemas.js). Its locales' index is bundled as English
// alone, so `z.locales` holds `en` only.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

// iconv-lite (under express's body-parser) carries the tables of forty-odd legacy code pages, 246 KB
// of JSON and generated code that every start of the server reads. The server decodes no request
// body through it (tRPC reads JSON as UTF-8, and body-parser's JSON parser refuses other
// charsets): the server bundle leaves the single-byte and the CJK code pages out, so iconv-lite
// knows the encodings Node itself has (UTF-8, UTF-16, Latin-1, ASCII…) and calls the others
// unknown.
const iconvWithoutCodePages = {
  name: 'iconv-without-code-pages',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]iconv-lite[\\/]encodings[\\/](sbcs-data-generated|dbcs-data)\.js$/ },
      () => ({
        contents: 'module.exports = {};\n',
        loader: 'js',
      }),
    );
  },
};

const common = {
  plugins: [zodEnglishOnly],
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
  // The native addon is loaded from node_modules; typanion is only required by option schemas,
  // which vlt does not use. Everything else is inlined for a fast start.
  external: ['better-sqlite3', 'typanion'],
  // Commands load the query builder with import(): it lands in a chunk the push path never reads.
  // So does the MCP SDK (`vlt mcp`), with vlt's stand-in for its Node shims, which would load AJV.
  alias: { '@modelcontextprotocol/server/_shims': './src/cli/mcp/sdk-shims.ts' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
});

// `vlt code`'s parser: the tree-sitter runtime and the grammars it uses, loaded beside the bundle
// (src/cli/code/parser.ts), never downloaded.
mkdirSync('dist/cli/grammars', { recursive: true });
copyFileSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/cli/grammars/tree-sitter.wasm');
for (const grammar of [
  'typescript',
  'tsx',
  'javascript',
  'python',
  'go',
  'rust',
  'java',
  'cpp',
  'c-sharp',
  'ruby',
  'php',
  'bash',
]) {
  copyFileSync(
    `node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-${grammar}.wasm`,
    `dist/cli/grammars/tree-sitter-${grammar}.wasm`,
  );
}

await build({
  ...common,
  entryPoints: { 'vlt-server': 'src/server/main.ts' },
  outdir: 'dist/server',
  outExtension: { '.js': '.mjs' },
  // The native addon, PGlite (which reads its WebAssembly beside its module) and pg (which may load
  // pg-native) are loaded from node_modules; typanion as for the CLI. The rest is inlined: a start
  // then reads a few files rather than hundreds from node_modules (zod, drizzle, express).
  external: ['better-sqlite3', '@electric-sql/pglite', 'pg', 'typanion'],
  plugins: [zodEnglishOnly, iconvWithoutCodePages],
  // A command loads what it needs with import() (the database, the services, express and tRPC for
  // `start`; PGlite or pg only for a PostgreSQL URL): each lands in a chunk that `--version`, `--help`
  // and the other commands never read (test/server-bundle.test.ts).
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
});

// The web UI, into dist/web (served by vlt-server at /).
// Always React's production build, even when the test runner (NODE_ENV=test) calls this script.
process.env.NODE_ENV = 'production';
const { build: viteBuild } = await import('vite');
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn', mode: 'production' });

// The Oracle's lexicon (WordNet compiled into a synonym and derivation map), beside the bundles.
const lexicon = buildLexicon();

chmodSync('dist/cli/vlt.mjs', 0o755);
chmodSync('dist/server/vlt-server.mjs', 0o755);
// Newer than every input: test/global-setup.ts skips the build while this holds.
writeFileSync('dist/.built', `${new Date().toISOString()}\n`);
console.log(
  `built dist/cli/vlt.mjs, dist/server/vlt-server.mjs, dist/web and ${lexicon.out} (${lexicon.stems} stems) in ${Date.now() - started} ms`,
);
