// What a `vlt-server` process loads for each command. Tests start it over forty times a run and a
// container at every start, so each command loads only what it uses: `--version` and `--help`
// clipanion alone, `user add` and `token issue` the database and the services but not the HTTP stack
// (express, tRPC's adapter, superjson, the app), `start` the HTTP stack, and only a PostgreSQL URL
// the PostgreSQL side (pg, PGlite, drizzle's pg-core). The bundle inlines most packages, so what a
// run loaded is read from the bundle files it evaluated (their source maps) and the packages it
// imported from node_modules. Figures: `node bench/server-start.mjs` (docs/testing.md).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SERVER_BIN } from './net-helpers.js';

/** What a run loaded, as the sources bundled into it and the packages imported from node_modules. */
const HTTP = [
  /node_modules\/express\//,
  /node_modules\/@trpc\/server\/src\/adapters\//,
  /node_modules\/superjson\//,
  /src\/server\/app\.ts$/,
];
const POSTGRES = [
  /node_modules\/drizzle-orm\/(pg-core|node-postgres|pglite)\//,
  /src\/server\/db\/postgres\.ts$/,
  /^external:(pg|@electric-sql\/pglite)$/,
];
const HEAVY = [/node_modules\/(zod|drizzle-orm|express|@trpc)\//, /^external:/];

/** The sources of the bundle files `file` imports statically (not through `import()`), with its own. */
function sourcesAtStart(): string[] {
  const files: string[] = [];
  const pending = [SERVER_BIN];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.mjs)"/g)) {
      pending.push(join(dirname(file), match[1]!));
    }
  }
  return files.flatMap(sourcesOf);
}

const sourcesOf = (file: string): string[] =>
  (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources;

const offending = (loaded: string[], patterns: RegExp[]) =>
  loaded.filter((source) => patterns.some((pattern) => pattern.test(source)));

let base: string;
let register: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vlt-server-bundle-'));
  // A module hook that writes down every bundle file evaluated and every package the bundle imports.
  const hooks = join(base, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (context.parentURL?.includes('/dist/server/')) {
    if (resolved.url.includes('/dist/server/')) appendFileSync(log, resolved.url + '\\n');
    else if (!/^(\\.|node:)/.test(specifier)) appendFileSync(log, 'external:' + specifier + '\\n');
  }
  return resolved;
}
`,
  );
  register = join(base, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: process.env.VLT_TEST_IMPORT_LOG } });
`,
  );
});

let runs = 0;
/** The environment of a run whose loads go to a log of its own: SQLite unless `extra` says otherwise. */
function traced(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; loaded: () => string[] } {
  const log = join(base, `imports-${runs++}.log`);
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = { ...process.env, VLT_TEST_IMPORT_LOG: log, ...extra };
  for (const name of Object.keys(env))
    if (name.startsWith('VLT_SERVER_') && !(name in extra)) delete env[name];
  const loaded = () => {
    const lines = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
    lines.add(pathToFileURL(SERVER_BIN).href);
    return [...lines].flatMap((line) =>
      line.startsWith('external:') ? [line] : sourcesOf(fileURLToPath(line)),
    );
  };
  return { env, loaded };
}

function run(args: string[], extra: Record<string, string> = {}, input?: string, status = 0) {
  const { env, loaded } = traced(extra);
  const result = spawnSync(process.execPath, ['--import', register, SERVER_BIN, ...args], {
    cwd: base,
    env,
    input,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(status);
  return { stdout: result.stdout, stderr: result.stderr, loaded: loaded() };
}

describe('the vlt-server bundle', () => {
  it('evaluates no heavy package before a command asks for one', () => {
    const sources = sourcesAtStart();
    expect(sources.some((s) => s.includes('src/server/main.ts'))).toBe(true);
    expect(offending(sources, [...HEAVY, ...HTTP, ...POSTGRES])).toEqual([]);
  });

  it('loads clipanion alone for --version and --help', () => {
    const version = run(['--version']);
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
    expect(version.loaded.some((s) => s.includes('node_modules/clipanion/'))).toBe(true);
    expect(offending(version.loaded, [...HEAVY, ...HTTP, ...POSTGRES])).toEqual([]);
    const help = run(['--help']);
    expect(help.stdout).toContain('vlt-server start');
    expect(offending(help.loaded, [...HEAVY, ...HTTP, ...POSTGRES])).toEqual([]);
  });

  it('loads neither the HTTP stack nor PostgreSQL for user add and token issue on SQLite', () => {
    const data = join(base, 'sqlite');
    const add = run(
      ['user', 'add', 'alice', '--password-stdin', '--data', data],
      {},
      'correct horse battery',
    );
    expect(add.stdout).toContain('created user alice');
    expect(add.loaded).toContain('external:better-sqlite3');
    const issue = run(['token', 'issue', 'alice', '--data', data]);
    expect(issue.stdout.trim()).not.toBe('');
    for (const { loaded } of [add, issue]) expect(offending(loaded, [...HTTP, ...POSTGRES])).toEqual([]);
  });

  it('loads pg but not PGlite, SQLite or the HTTP stack for user add on a postgres:// URL', () => {
    // Nothing listens on port 1: the command fails to connect, after loading what it would use.
    const data = join(base, 'postgres');
    mkdirSync(data, { mode: 0o700 });
    const add = run(
      ['user', 'add', 'alice', '--password-stdin', '--data', data],
      { VLT_SERVER_DATABASE_URL: 'postgres://vlt@127.0.0.1:1/vlt' },
      'correct horse battery',
      1,
    );
    expect(add.stderr).toMatch(/^vlt-server: cannot open the database: .*\n$/);
    expect(add.loaded).toContain('external:pg');
    expect(
      offending(add.loaded, [
        ...HTTP,
        /^external:(@electric-sql\/pglite|better-sqlite3)$/,
        /node_modules\/drizzle-orm\/pglite\//,
      ]),
    ).toEqual([]);
  });

  it('loads the HTTP stack and not PostgreSQL for start on SQLite', async () => {
    const { env, loaded } = traced();
    const child = spawn(
      process.execPath,
      ['--import', register, SERVER_BIN, 'start', '--port', '0', '--data', join(base, 'start')],
      { cwd: base, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`vlt-server start exited ${code}: ${out}`)));
    });
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const sources = loaded();
    expect(offending(sources, HTTP).length).toBeGreaterThan(0);
    expect(sources).toContain('external:better-sqlite3');
    expect(offending(sources, POSTGRES)).toEqual([]);
  });
});
