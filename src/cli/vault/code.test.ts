import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CodeChunk } from '../../shared/code.js';
import { createIndex } from '../../shared/fts5.js';
import { openVault, type Sqlite } from './open.js';
import { VaultCode, VAULT_CODE_INDEX, type ParsedFile } from './code.js';

let dir: string;
let db: Sqlite;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vlt-code-'));
  db = openVault(join(dir, 'vault.db'), { create: true })!;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const chunk = (seq: number, symbol: string, text: string, lines: [number, number]): CodeChunk => ({
  seq,
  kind: 'function',
  symbol,
  container: '',
  signature: `function ${symbol}()`,
  startLine: lines[0],
  endLine: lines[1],
  text,
});

const file = (path: string, sha256: string, chunks: CodeChunk[]): ParsedFile => ({
  path,
  size: 10,
  sha256,
  language: 'typescript',
  chunks,
});

function index(code: VaultCode, files: ParsedFile[]) {
  return code.index(
    'app',
    files.filter((f) => f.chunks.length > 0),
    code.plan('app', files),
    [],
  );
}

describe('VaultCode', () => {
  it('makes the index the migration makes (shared/fts5.ts createIndex(CODE_SHAPE))', () => {
    const migration = readFileSync(
      join(import.meta.dirname, '../../../drizzle/vault/0013_code_fts.sql'),
      'utf8',
    );
    for (const statement of createIndex(VAULT_CODE_INDEX)) expect(migration).toContain(statement);
  });

  it('finds identifiers by their words, definitions by name, and forgets what was deleted', () => {
    const code = new VaultCode(db);
    const a = file('src/auth.ts', 'a1', [
      chunk(0, 'refreshToken', 'function refreshToken() { return MAX_RETRY; }', [1, 3]),
      chunk(1, 'refreshToken', '  // the second part\n}', [4, 5]),
    ]);
    const b = file('src/other.ts', 'b1', [chunk(0, 'unrelated', 'function unrelated() {}', [1, 1])]);
    expect(index(code, [a, b])).toMatchObject({ added: ['src/auth.ts', 'src/other.ts'], chunks: 3 });
    // Both parts of the definition carry its name.
    expect(
      code
        .seek('refresh token', { limit: 5 })
        .map((h) => `${h.path}:${h.startLine}`)
        .sort(),
    ).toEqual(['src/auth.ts:1', 'src/auth.ts:4']);
    expect(code.seek('max retry', { limit: 5 })).toHaveLength(1);
    // A definition in parts is one result, from its first line to its last; any case after none exact.
    expect(code.definitions('RefreshToken', { project: 'app', limit: 5 })).toMatchObject([
      { path: 'src/auth.ts', symbol: 'refreshToken', startLine: 1, endLine: 5 },
    ]);
    // The same files again: nothing to do; one gone: its chunks leave the index.
    expect(code.plan('app', [a, b])).toMatchObject({ added: [], changed: [], deleted: [] });
    expect(index(code, [a])).toMatchObject({ deleted: ['src/other.ts'], unchanged: 1 });
    expect(code.seek('unrelated', { limit: 5 })).toEqual([]);
    expect(code.count('app')).toEqual({ files: 1, chunks: 2 });
    // Changed text: the old chunks are replaced.
    const a2 = file('src/auth.ts', 'a2', [chunk(0, 'rotateKeys', 'function rotateKeys() {}', [1, 1])]);
    expect(index(code, [a2])).toMatchObject({ changed: ['src/auth.ts'], chunks: 1 });
    expect(code.seek('refresh', { limit: 5 })).toEqual([]);
    expect(code.definitions('rotateKeys', { limit: 5 })).toHaveLength(1);
  });
});
