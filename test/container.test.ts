// The Dockerfile and compose.yaml, checked where no Docker engine runs (as on these machines): each
// is parsed, and what the docs promise of them is there: two stages, a non-root user, the data in a
// volume, a health check on /healthz, the server as the command; every file the build copies exists;
// compose runs the server on PostgreSQL with the secret it needs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const KEYWORDS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]); // prettier-ignore

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Dockerfile instructions: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    const start = i + 1;
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
    const [keyword, ...rest] = line.split(/\s+/);
    out.push({ keyword: keyword!, args: rest.join(' '), line: start });
  }
  return out;
}

/** A small YAML subset (mappings, lists of scalars, quoted strings, `{}`): enough for compose.yaml. */
function yaml(text: string): unknown {
  const rows = text
    .split('\n')
    .map((raw, n) => ({ raw, n: n + 1 }))
    .filter(({ raw }) => raw.trim() !== '' && !raw.trim().startsWith('#'))
    .map(({ raw, n }) => ({ indent: raw.length - raw.trimStart().length, text: raw.trim(), n }));
  const scalar = (value: string): unknown => {
    if (value === '{}') return {};
    if (/^'.*'$|^".*"$/.test(value)) return value.slice(1, -1);
    if (/^\[.*\]$/.test(value))
      return value
        .slice(1, -1)
        .split(',')
        .map((v) => scalar(v.trim()));
    return value;
  };
  let at = 0;
  const block = (indent: number): unknown => {
    if (rows[at]?.text.startsWith('- ')) {
      const list: unknown[] = [];
      while (at < rows.length && rows[at]!.indent === indent && rows[at]!.text.startsWith('- ')) {
        list.push(scalar(rows[at++]!.text.slice(2).trim()));
      }
      return list;
    }
    const map: Record<string, unknown> = {};
    while (at < rows.length && rows[at]!.indent === indent) {
      const row = rows[at++]!;
      const match = /^([\w.-]+):(?:\s+(.*))?$/.exec(row.text);
      if (!match) throw new Error(`compose.yaml line ${row.n}: not a key: ${row.text}`);
      map[match[1]!] = match[2] !== undefined ? scalar(match[2]) : block(rows[at]?.indent ?? 0);
    }
    if (at < rows.length && rows[at]!.indent > indent)
      throw new Error(`compose.yaml line ${rows[at]!.n}: indentation`);
    return map;
  };
  return block(0);
}

describe('the Dockerfile', () => {
  const steps = instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

  it('parses: known instructions only, two stages, the last run as a non-root user', () => {
    for (const step of steps) expect(KEYWORDS, `line ${step.line}: ${step.keyword}`).toContain(step.keyword);
    const stages = steps.filter((s) => s.keyword === 'FROM');
    expect(stages.map((s) => s.args)).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim']);
    const final = steps.slice(steps.indexOf(stages[1]!));
    const user = final.find((s) => s.keyword === 'USER');
    expect(user?.args).toBe('node');
    expect(final.findIndex((s) => s.keyword === 'USER')).toBeLessThan(
      final.findIndex((s) => s.keyword === 'CMD'),
    );
    expect(final.find((s) => s.keyword === 'VOLUME')?.args).toBe('["/data"]');
    expect(final.find((s) => s.keyword === 'ENV')?.args).toContain('VLT_SERVER_DATA=/data');
    expect(final.find((s) => s.keyword === 'EXPOSE')?.args).toBe('8000');
    expect(final.find((s) => s.keyword === 'HEALTHCHECK')?.args).toMatch(/CMD .*\/healthz/);
    expect(JSON.parse(final.find((s) => s.keyword === 'CMD')!.args)).toEqual([
      'node',
      'dist/server/vlt-server.mjs',
      'start',
    ]);
  });

  it('copies only what exists here, and what the build stage makes', () => {
    const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(dockerignore).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data']));
    for (const step of steps.filter((s) => s.keyword === 'COPY')) {
      const parts = step.args.split(/\s+/);
      const fromStage = parts[0]!.startsWith('--from=');
      const sources = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        if (fromStage) {
          // The build stage has the sources, node_modules, and dist/ after `node scripts/build.mjs`.
          expect(['package.json', 'node_modules', 'dist', 'drizzle'], `line ${step.line}`).toContain(
            source.replace(/^\/app\//, ''),
          );
        } else {
          expect(existsSync(join(ROOT, source)), `line ${step.line}: ${source}`).toBe(true);
        }
      }
    }
    expect(steps.some((s) => s.keyword === 'RUN' && s.args.includes('node scripts/build.mjs'))).toBe(true);
  });
});

describe('compose.yaml', () => {
  it('runs the server image on PostgreSQL, with the shared secret required, and both data volumes', () => {
    const compose = yaml(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
      services: Record<string, Record<string, unknown>>;
      volumes: Record<string, unknown>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['db', 'vlt']);
    const vlt = compose.services.vlt!;
    expect(vlt.build).toBe('.');
    expect(vlt.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    const env = vlt.environment as Record<string, string>;
    expect(env.VLT_SERVER_DATABASE_URL).toMatch(/^postgres:\/\/vlt:vlt@db:5432\/vlt$/);
    expect(env.VLT_SERVER_SECRET).toMatch(/^\$\{VLT_SERVER_SECRET:\?/);
    expect(vlt.volumes).toEqual(['vltdata:/data']);
    expect(compose.services.db!.image).toBe('postgres:15');
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'vltdata']);
  });
});
