// What a code index is made of, the same wherever it is read: which files are code and in which
// language, which are vendored or generated, a chunk's shape, and how a chunk is cited
// (`src/cli/sync/retrier.ts:13-40 (acquireLock)`). Parsing lives in src/cli/code (it loads wasm).
import type { ChunkKind } from './code-names.js';
import { codeWords, identifierWords } from './search-query.js';

export * from './code-names.js';

/** A language vlt parses with a tree-sitter grammar, by the grammar's name. */
export type Grammar =
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'python'
  | 'go'
  | 'rust'
  | 'java'
  | 'cpp'
  | 'c-sharp'
  | 'ruby'
  | 'php'
  | 'bash';

const BY_EXTENSION: Record<string, { language: string; grammar?: Grammar }> = {
  ts: { language: 'typescript', grammar: 'typescript' },
  mts: { language: 'typescript', grammar: 'typescript' },
  cts: { language: 'typescript', grammar: 'typescript' },
  tsx: { language: 'tsx', grammar: 'tsx' },
  js: { language: 'javascript', grammar: 'javascript' },
  mjs: { language: 'javascript', grammar: 'javascript' },
  cjs: { language: 'javascript', grammar: 'javascript' },
  jsx: { language: 'javascript', grammar: 'javascript' },
  py: { language: 'python', grammar: 'python' },
  go: { language: 'go', grammar: 'go' },
  rs: { language: 'rust', grammar: 'rust' },
  java: { language: 'java', grammar: 'java' },
  // C is parsed with the C++ grammar (the package ships no C grammar; C is nearly a subset).
  c: { language: 'c', grammar: 'cpp' },
  h: { language: 'c', grammar: 'cpp' },
  cc: { language: 'cpp', grammar: 'cpp' },
  cpp: { language: 'cpp', grammar: 'cpp' },
  cxx: { language: 'cpp', grammar: 'cpp' },
  hpp: { language: 'cpp', grammar: 'cpp' },
  hh: { language: 'cpp', grammar: 'cpp' },
  cs: { language: 'csharp', grammar: 'c-sharp' },
  rb: { language: 'ruby', grammar: 'ruby' },
  php: { language: 'php', grammar: 'php' },
  sh: { language: 'bash', grammar: 'bash' },
  bash: { language: 'bash', grammar: 'bash' },
  // Without a grammar: split by line windows.
  kt: { language: 'kotlin' },
  kts: { language: 'kotlin' },
  swift: { language: 'swift' },
  scala: { language: 'scala' },
  lua: { language: 'lua' },
  sql: { language: 'sql' },
  css: { language: 'css' },
  scss: { language: 'scss' },
  html: { language: 'html' },
  vue: { language: 'vue' },
  svelte: { language: 'svelte' },
  json: { language: 'json' },
  toml: { language: 'toml' },
  yaml: { language: 'yaml' },
  yml: { language: 'yaml' },
  ini: { language: 'ini' },
  proto: { language: 'protobuf' },
  graphql: { language: 'graphql' },
  ex: { language: 'elixir' },
  exs: { language: 'elixir' },
  erl: { language: 'erlang' },
  hs: { language: 'haskell' },
  ml: { language: 'ocaml' },
  zig: { language: 'zig' },
  dart: { language: 'dart' },
  r: { language: 'r' },
  pl: { language: 'perl' },
  ps1: { language: 'powershell' },
  tf: { language: 'terraform' },
};

const BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile',
  makefile: 'make',
  gnumakefile: 'make',
  justfile: 'make',
  '.gitignore': 'gitignore',
  '.editorconfig': 'ini',
};

/** Lockfiles and other files a tool writes: never indexed. */
const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'cargo.lock',
  'go.sum',
  'poetry.lock',
  'pipfile.lock',
  'composer.lock',
  'gemfile.lock',
  'flake.lock',
]);

/** Folders of vendored or generated code, left out wherever they are (below the indexed folder). */
export const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  'bower_components',
  'vendor',
  'third_party',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  '.next',
  '.nuxt',
  '.cache',
  '.turbo',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
]);

/** The language of a file and its grammar, if vlt indexes it; undefined for anything else. */
export function languageOf(path: string): { language: string; grammar?: Grammar } | undefined {
  if (skippedByName(path) !== undefined) return undefined;
  return sourceLanguage(path);
}

/** Why a file is left out by its name alone (a lockfile, a minified or generated file), or undefined. */
export function skippedByName(path: string): string | undefined {
  const name = (path.split('/').pop() ?? path).toLowerCase();
  if (LOCKFILES.has(name)) return 'lockfile';
  if (/\.min\.(js|css|mjs)$|\.bundle\.js$|[.-]generated\.|\.pb\.go$|_pb2\.py$|\.d\.ts\.map$/.test(name))
    return 'minified or generated (by its name)';
  return undefined;
}

/** The language a file's name or extension says, whether or not its name leaves it out. */
function sourceLanguage(path: string): { language: string; grammar?: Grammar } | undefined {
  const name = (path.split('/').pop() ?? path).toLowerCase();
  const byName = BY_NAME[name];
  if (byName) return { language: byName };
  const ext = /\.([a-z0-9]+)$/.exec(name)?.[1];
  return ext === undefined ? undefined : BY_EXTENSION[ext];
}

/**
 * Why a file's text is not worth indexing (minified or machine-written: very long lines), or
 * undefined. Bounded: looks at the first 64 KB only.
 */
export function generatedTextProblem(text: string): string | undefined {
  const head = text.slice(0, 65_536);
  const lines = head.split('\n');
  const longest = lines.reduce((max, line) => Math.max(max, line.length), 0);
  if (longest > 5_000 || (head.length > 20_000 && head.length / lines.length > 300)) {
    return 'minified or generated (very long lines)';
  }
  if (/^\s*(\/\/|#|\/\*)\s*(Code generated .* DO NOT EDIT|@generated)/m.test(head.slice(0, 2_000))) {
    return 'generated (marked so in its first lines)';
  }
  return undefined;
}

/** A file is at most this many bytes, or left out of the index. */
export const MAX_CODE_FILE_BYTES = 500_000;
/** At most this many files in one index (a clear error beyond, rather than an unbounded run). */
export const MAX_CODE_FILES = 20_000;
/**
 * At most this many bytes of source in one index: the new and changed files are all parsed before
 * the one write transaction, so this bounds an index's memory.
 */
export const MAX_CODE_BYTES = 100_000_000;
/** A chunk is at most this many lines; a longer unit is split at inner boundaries. */
export const MAX_CHUNK_LINES = 120;
/** Files without a grammar are cut into windows of this many lines. */
export const WINDOW_LINES = 60;

/** A piece of a file: a definition (or part of one), or lines between definitions. */
export interface CodeChunk {
  seq: number;
  kind: ChunkKind;
  /** The definition's name (`acquireLock`), '' for lines that are no definition. */
  symbol: string;
  /** The enclosing class, impl, namespace or module (`Retrier`), '' at the top. */
  container: string;
  /** The definition's first line(s), up to its body: `export function acquireLock(home: string): Lock`. */
  signature: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

/** `src/cli/sync/retrier.ts:13-40 (acquireLock)`; a method as `(Retrier.acquireLock)`. */
export function codeCitation(chunk: {
  path: string;
  startLine: number;
  endLine: number;
  symbol: string;
  container?: string;
}): string {
  const lines =
    chunk.startLine === chunk.endLine ? `${chunk.startLine}` : `${chunk.startLine}-${chunk.endLine}`;
  const name = chunk.symbol ? (chunk.container ? `${chunk.container}.${chunk.symbol}` : chunk.symbol) : '';
  return `${chunk.path}:${lines}${name ? ` (${name})` : ''}`;
}

/** A chunk's place on the repository's web host (`[code] url`): `<url>/<path>#L13-L40`, as GitHub and GitLab read it. */
export const codeUrl = (base: string, chunk: { path: string; startLine: number; endLine: number }): string =>
  `${base}/${chunk.path.split('/').map(encodeURIComponent).join('/')}#L${chunk.startLine}${
    chunk.endLine === chunk.startLine ? '' : `-L${chunk.endLine}`
  }`;

/** Lines of `text` as windows of WINDOW_LINES: for files without a grammar. */
export function lineWindows(text: string, from = 1, to?: number): Omit<CodeChunk, 'seq'>[] {
  const lines = text.split('\n');
  const last = Math.min(to ?? lines.length, lines.length);
  const chunks: Omit<CodeChunk, 'seq'>[] = [];
  for (let start = from; start <= last; start += WINDOW_LINES) {
    const end = Math.min(last, start + WINDOW_LINES - 1);
    const body = lines.slice(start - 1, end).join('\n');
    if (body.trim() === '') continue;
    chunks.push({
      kind: 'lines',
      symbol: '',
      container: '',
      signature: '',
      startLine: start,
      endLine: end,
      text: body,
    });
  }
  return chunks;
}

/** A chunk's columns in its index (fts5.ts CODE_SHAPE's order): name, signature, path, text, identifier words. */
export function codeIndexColumns(
  path: string,
  chunk: Pick<CodeChunk, 'symbol' | 'container' | 'signature' | 'text'>,
): string[] {
  return [
    codeWords(`${chunk.container} ${chunk.symbol}`.trim()),
    codeWords(chunk.signature),
    codeWords(path),
    chunk.text,
    identifierWords(chunk.text).join(' '),
  ];
}
