import { describe, expect, it } from 'vitest';
import { codeCitation, generatedTextProblem, languageOf, MAX_CHUNK_LINES } from '../../shared/code.js';
import { chunkFile } from './chunk.js';

const summary = async (path: string, text: string) =>
  (await chunkFile(path, text)).map((c) => ({
    kind: c.kind,
    name: c.container ? `${c.container}.${c.symbol}` : c.symbol,
    lines: `${c.startLine}-${c.endLine}`,
  }));

describe('chunkFile', () => {
  it('splits TypeScript into functions, classes with their methods, and types, comments included', async () => {
    const text = [
      "import { join } from 'node:path';", // 1
      '', // 2
      '/** How long the retrier tries. */', // 3
      'export const GIVE_UP_MS = 3_600_000;', // 4
      '', // 5
      '// Takes the lock.', // 6
      'export function acquireLock(home: string): boolean {', // 7
      '  return join(home, "x") !== "";', // 8
      '}', // 9
      '', // 10
      'export class Retrier {', // 11
      '  private attempts = 0;', // 12
      '  start(): void {', // 13
      '    this.attempts++;', // 14
      '  }', // 15
      '}', // 16
      'interface Lock { pid: number }', // 17
      'const backoff = (n: number) => n * 2;', // 18
    ].join('\n');
    const chunks = await chunkFile('src/retrier.ts', text);
    expect(chunks.map((c) => [c.kind, c.container, c.symbol, c.startLine, c.endLine])).toEqual([
      ['module', '', '', 1, 1],
      ['variable', '', 'GIVE_UP_MS', 3, 4],
      ['function', '', 'acquireLock', 6, 9],
      ['class', '', 'Retrier', 11, 12],
      ['method', 'Retrier', 'start', 13, 15],
      ['type', '', 'Lock', 17, 17],
      ['function', '', 'backoff', 18, 18],
    ]);
    expect(chunks[2]!.signature).toBe('export function acquireLock(home: string): boolean');
    expect(chunks[2]!.text).toContain('// Takes the lock.');
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('knows Python, Go, Rust, Java and C/C++ definitions and their containers', async () => {
    expect(
      await summary(
        'a.py',
        [
          'import os',
          'MAX_RETRY = 5',
          'TIMEOUT: int = 30',
          'a.b = 1',
          '',
          'class Cache:',
          '    """A cache."""',
          '    def get(self, key):',
          '        return key',
          '',
          '@decorator',
          'def refresh_token(t):',
          '    return t',
        ].join('\n'),
      ),
    ).toEqual([
      { kind: 'module', name: '', lines: '1-1' },
      { kind: 'variable', name: 'MAX_RETRY', lines: '2-2' },
      { kind: 'variable', name: 'TIMEOUT', lines: '3-3' },
      { kind: 'module', name: '', lines: '4-4' },
      { kind: 'class', name: 'Cache', lines: '6-7' },
      { kind: 'method', name: 'Cache.get', lines: '8-9' },
      { kind: 'function', name: 'refresh_token', lines: '11-13' },
    ]);
    expect(
      await summary(
        'a.go',
        [
          'package main',
          '',
          'type Server struct { port int }',
          '',
          'func (s *Server) Start() error {',
          '\treturn nil',
          '}',
          '',
          'func main() {}',
        ].join('\n'),
      ),
    ).toEqual([
      { kind: 'module', name: '', lines: '1-1' },
      { kind: 'type', name: 'Server', lines: '3-3' },
      { kind: 'method', name: 'Server.Start', lines: '5-7' },
      { kind: 'function', name: 'main', lines: '9-9' },
    ]);
    expect(
      await summary(
        'a.rs',
        [
          'struct Pool { size: usize }',
          'impl Pool {',
          '    fn new() -> Self { Pool { size: 1 } }',
          '}',
          'fn main() {}',
        ].join('\n'),
      ),
    ).toEqual([
      { kind: 'type', name: 'Pool', lines: '1-1' },
      { kind: 'class', name: 'Pool', lines: '2-2' },
      { kind: 'method', name: 'Pool.new', lines: '3-3' },
      { kind: 'function', name: 'main', lines: '5-5' },
    ]);
    expect(
      await summary(
        'A.java',
        ['class Account {', '  int id;', '  Account() {}', '  void close() {', '  }', '}'].join('\n'),
      ),
    ).toEqual([
      { kind: 'class', name: 'Account', lines: '1-2' },
      { kind: 'method', name: 'Account.Account', lines: '3-3' },
      { kind: 'method', name: 'Account.close', lines: '4-5' },
    ]);
    expect(
      await summary(
        'a.c',
        ['#include <stdio.h>', 'static int add(int a, int b) {', '  return a + b;', '}'].join('\n'),
      ),
    ).toEqual([
      { kind: 'module', name: '', lines: '1-1' },
      { kind: 'function', name: 'add', lines: '2-4' },
    ]);
    expect(
      await summary(
        'a.cpp',
        [
          'namespace net {',
          'class Socket {',
          ' public:',
          '  void close() {}',
          '};',
          '}',
          'int Socket::open() { return 0; }',
        ].join('\n'),
      ),
    ).toEqual([
      { kind: 'module', name: 'net', lines: '1-1' },
      { kind: 'class', name: 'net.Socket', lines: '2-3' },
      { kind: 'method', name: 'net.Socket.close', lines: '4-4' },
      { kind: 'method', name: 'Socket.open', lines: '7-7' },
    ]);
  });

  it('splits an oversized function at its statements, and files without a grammar by line windows', async () => {
    const body = Array.from({ length: 300 }, (_, i) => `  const v${i} = ${i};`);
    const chunks = await chunkFile('big.ts', ['function huge() {', ...body, '}'].join('\n'));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.symbol === 'huge' && c.endLine - c.startLine < MAX_CHUNK_LINES)).toBe(true);
    expect(chunks[0]!.startLine).toBe(1);
    expect(chunks.at(-1)!.endLine).toBe(302);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.startLine).toBe(chunks[i - 1]!.endLine + 1);

    const yaml = Array.from({ length: 130 }, (_, i) => `key${i}: ${i}`).join('\n');
    expect(await summary('config.yaml', yaml)).toEqual([
      { kind: 'lines', name: '', lines: '1-60' },
      { kind: 'lines', name: '', lines: '61-120' },
      { kind: 'lines', name: '', lines: '121-130' },
    ]);
  });

  it('cuts a file whose parse runs over its time budget by line windows, and parses the next one', async () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `function f${i}() { return ${i}; }`).join('\n');
    const chunks = await chunkFile('slow.ts', text, { parseBudgetMs: -1 });
    expect(chunks.every((c) => c.kind === 'lines')).toBe(true);
    expect(chunks.at(-1)!.endLine).toBe(20_000);
    expect((await chunkFile('next.ts', 'function next() {}'))[0]).toMatchObject({ symbol: 'next' });
  });

  it('parses broken code without failing', async () => {
    const chunks = await chunkFile('bad.ts', 'function ok() { return 1 }\nfunction broken( {{{\n');
    expect(chunks[0]!.symbol).toBe('ok');
  });
});

describe('what is code', () => {
  it('knows languages and leaves out lockfiles, minified and generated files', () => {
    expect(languageOf('src/a.ts')).toEqual({ language: 'typescript', grammar: 'typescript' });
    expect(languageOf('include/x.h')?.grammar).toBe('cpp');
    expect(languageOf('Dockerfile')?.language).toBe('dockerfile');
    expect(languageOf('package-lock.json')).toBeUndefined();
    expect(languageOf('web/app.min.js')).toBeUndefined();
    expect(languageOf('logo.png')).toBeUndefined();
    expect(languageOf('docs/a.md')).toBeUndefined();
    expect(generatedTextProblem(`var a=${'x'.repeat(6000)};`)).toMatch(/minified/);
    expect(generatedTextProblem('// Code generated by protoc. DO NOT EDIT.\npackage x\n')).toMatch(
      /generated/,
    );
    expect(generatedTextProblem('const a = 1;\n')).toBeUndefined();
  });

  it('cites a chunk by path, lines and symbol', () => {
    expect(
      codeCitation({ path: 'src/cli/sync/retrier.ts', startLine: 13, endLine: 40, symbol: 'acquireLock' }),
    ).toBe('src/cli/sync/retrier.ts:13-40 (acquireLock)');
    expect(
      codeCitation({ path: 'a.ts', startLine: 3, endLine: 3, symbol: 'start', container: 'Retrier' }),
    ).toBe('a.ts:3 (Retrier.start)');
    expect(codeCitation({ path: 'a.yaml', startLine: 1, endLine: 60, symbol: '' })).toBe('a.yaml:1-60');
  });
});
