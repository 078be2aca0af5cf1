// What a `vlt-server` process loads for each command. Tests start it over forty times a run and a
// container at every start, so each command loads only what it uses: `--version` and `--help`
// clipanion alone, `user add` and `token issue` the database and the services but not the HTTP stack
// (express, tRPC's adapter, superjson), `start` the HTTP stack, and only a PostgreSQL URL the
// PostgreSQL side (pg, PGlite, drizzle's pg-core). Figures: `node bench/server-start.mjs` (docs/testing.md).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SERVER_BIN } from './net-helpers.js';

const HTTP = ['express', '@trpc/server/adapters/express', 'superjson'];
const POSTGRES = [
  'pg',
  '@electric-sql/pglite',
  'drizzle-orm/pg-core',
  'drizzle-orm/node-postgres',
  'drizzle-orm/pglite',
];

/** The packages the bundle's files import statically from its entry (not through `import()`). */
function packagesAtStart(): string[] {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [SERVER_BIN];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const code = readFileSync(file, 'utf8');
    // Static imports only (`from "x"` or `import "x"`), not `import("x")`.
    for (const match of code.matchAll(/(?:from|import)\s*"([^"]+)"/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  }
  return [...packages].sort();
}

let base: string;
let register: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vlt-server-bundle-'));
  // A module hook that writes down every package the bundle's own files import.
  const hooks = join(base, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  if (context.parentURL?.includes('/dist/server/') && !/^(\\.|node:)/.test(specifier)) appendFileSync(log, specifier + '\\n');
  return next(specifier, context);
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
/** The environment of a run whose imports go to a log of its own: SQLite unless `extra` says otherwise. */
function traced(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; imported: () => string[] } {
  const log = join(base, `imports-${runs++}.log`);
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = { ...process.env, VLT_TEST_IMPORT_LOG: log, ...extra };
  for (const name of Object.keys(env))
    if (name.startsWith('VLT_SERVER_') && !(name in extra)) delete env[name];
  return { env, imported: () => [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))].sort() };
}

function run(args: string[], extra: Record<string, string> = {}, input?: string, status = 0) {
  const { env, imported } = traced(extra);
  const result = spawnSync(process.execPath, ['--import', register, SERVER_BIN, ...args], {
    cwd: base,
    env,
    input,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(status);
  return { stdout: result.stdout, stderr: result.stderr, imported: imported() };
}

describe('the vlt-server bundle', () => {
  it('imports no package but clipanion before a command asks for one', () => {
    expect(packagesAtStart()).toEqual(['clipanion']);
  });

  it('loads clipanion alone for --version and --help', () => {
    const version = run(['--version']);
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
    expect(version.imported).toEqual(['clipanion']);
    const help = run(['--help']);
    expect(help.stdout).toContain('vlt-server start');
    expect(help.imported).toEqual(['clipanion']);
  });

  it('loads neither the HTTP stack nor PostgreSQL for user add and token issue on SQLite', () => {
    const data = join(base, 'sqlite');
    const add = run(
      ['user', 'add', 'alice', '--password-stdin', '--data', data],
      {},
      'correct horse battery',
    );
    expect(add.stdout).toContain('created user alice');
    expect(add.imported).toContain('better-sqlite3');
    const issue = run(['token', 'issue', 'alice', '--data', data]);
    expect(issue.stdout.trim()).not.toBe('');
    for (const { imported } of [add, issue]) {
      for (const name of [...HTTP, ...POSTGRES]) expect(imported, `${name} loaded`).not.toContain(name);
    }
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
    expect(add.imported).toContain('pg');
    for (const name of [...HTTP, '@electric-sql/pglite', 'drizzle-orm/pglite', 'better-sqlite3'])
      expect(add.imported, `${name} loaded`).not.toContain(name);
  });

  it('loads the HTTP stack and not PostgreSQL for start on SQLite', async () => {
    const { env, imported } = traced();
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
    const loaded = imported();
    for (const name of ['express', 'better-sqlite3']) expect(loaded).toContain(name);
    for (const name of POSTGRES) expect(loaded, `${name} loaded`).not.toContain(name);
  });
});
