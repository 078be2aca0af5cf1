// The linter keeps the rooms apart: this proves the rule fires, so a broken config cannot pass quietly.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('rooms', () => {
  it('lets the CLI and the web import the server only as types', async () => {
    const value = "import { appRouter } from '../server/routers/_app.js';\nexport const r = appRouter;\n";
    const typeOnly =
      "import type { AppRouter } from '../server/routers/_app.js';\nexport type R = AppRouter;\n";
    expect(await restricted('src/cli/example.ts', value)).toHaveLength(1);
    expect(await restricted('src/web/example.tsx', value)).toHaveLength(1);
    expect(await restricted('src/cli/example.ts', typeOnly)).toEqual([]);
    // The MCP SDK's server package is a library `vlt mcp` uses, not vlt-server's code.
    const sdk = "import { McpServer } from '@modelcontextprotocol/server';\nexport const s = McpServer;\n";
    expect(await restricted('src/cli/mcp/example.ts', sdk)).toEqual([]);
    expect(
      await restricted('src/cli/mcp/example.ts', value.replace('../server', '../../server')),
    ).toHaveLength(1);
  });

  it('keeps Node built-ins, databases and Express out of src/shared', async () => {
    for (const source of [
      'node:fs',
      'fs',
      'better-sqlite3',
      'drizzle-orm/sqlite-core',
      'express',
      '../cli/base.js',
    ]) {
      const code = `import * as m from '${source}';\nexport const x = m;\n`;
      expect(await restricted('src/shared/example.ts', code), source).toHaveLength(1);
    }
    expect(
      await restricted('src/shared/example.ts', "import { z } from 'zod';\nexport const s = z.string();\n"),
    ).toEqual([]);
  });
});
