// Lint rules, including the rooms: src/cli and src/web import server code only as types, and
// src/shared (runs anywhere) imports no Node built-in, database or Express code.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const serverOnlyAsTypes = {
  // The MCP SDK's server package (`vlt mcp`) is a library, not vlt-server's code.
  group: [
    '**/server/*',
    '**/server/**',
    '**/server',
    '!@modelcontextprotocol/server',
    '!@modelcontextprotocol/server/*',
  ],
  allowTypeImports: true,
  message: 'The CLI and the web import the server only as types (import type …).',
};

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'module',
  'net',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'tls',
  'tty',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'drizzle/**', 'test-artifacts/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/web/**/*.ts', 'src/web/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [serverOnlyAsTypes] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'src/shared runs anywhere: no Node built-ins.',
          })),
          patterns: [
            { group: ['node:*'], message: 'src/shared runs anywhere: no Node built-ins.' },
            {
              group: [
                'better-sqlite3',
                'drizzle-orm',
                'drizzle-orm/*',
                'express',
                '@trpc/server',
                '@trpc/server/*',
              ],
              message: 'src/shared holds no database, server or Express code.',
            },
            { ...serverOnlyAsTypes, message: 'src/shared may name the server only as types.' },
            {
              group: ['**/cli/*', '**/cli/**', '**/web/*', '**/web/**'],
              message: 'src/shared imports no app code.',
            },
          ],
        },
      ],
    },
  },
);
