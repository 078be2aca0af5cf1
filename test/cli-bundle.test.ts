// What every `vlt` process loads before it runs a command: the bundle's entry and the chunks it
// imports statically. The push path's speed (≤ 1.3× its floor, `npm run bench`) depends on it staying
// small: zod's full build, the tree-sitter runtime, the MCP SDK and the tRPC client load on demand.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './net-helpers.js';

/** The files a start of `vlt` evaluates, and the sources bundled into them (from the source maps). */
function loadedAtStart(): { files: string[]; sources: string[] } {
  const files: string[] = [];
  const pending = [join(ROOT, 'dist', 'cli', 'vlt.mjs')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const code = readFileSync(file, 'utf8');
    // Static imports only (`from"./x.mjs"` or `import"./x.mjs"`), not `import("./x.mjs")`.
    for (const match of code.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.mjs)"/g)) {
      pending.push(join(dirname(file), match[1]!));
    }
  }
  const sources = files.flatMap(
    (file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources,
  );
  return { files, sources };
}

describe('the CLI bundle', () => {
  it('loads no heavy library before a command asks for it', () => {
    const { files, sources } = loadedAtStart();
    expect(files.length).toBeGreaterThan(1);
    expect(sources.some((s) => s.includes('src/cli/vault/append.ts'))).toBe(true);
    for (const heavy of ['zod/v4/classic', 'web-tree-sitter', '@modelcontextprotocol', '@trpc/client']) {
      expect(
        sources.filter((s) => s.includes(heavy)),
        `${heavy} is loaded by every vlt command`,
      ).toEqual([]);
    }
  });
});
