// The two dialects' schemas describe the same tables: the services write the same SQL to both, so a
// column added to one and not the other would fail on one engine only.
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from './schema-pg.js';
import * as sqlite from './schema.js';

/**
 * PostgreSQL only: full-text search, for entries, note chunks and code chunks (an FTS5 virtual
 * table per user, from the services, on SQLite).
 */
const PG_ONLY = [
  'entries.content_tsv',
  'entries_content_tsv',
  'note_chunks.search_tsv',
  'note_chunks_search_tsv',
  'code_chunks.search_tsv',
  'code_chunks_search_tsv',
];

type Shape = Record<
  string,
  { columns: Record<string, { notNull: boolean; primary: boolean }>; indexes: string[] }
>;

function shape(
  configs: {
    name: string;
    columns: { name: string; notNull: boolean; primary: boolean }[];
    indexes: { config: { name?: string; unique: boolean } }[];
    primaryKeys: { columns: { name: string }[] }[];
  }[],
): Shape {
  const out: Shape = {};
  for (const config of configs) {
    const composite = new Set(config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name)));
    out[config.name] = {
      columns: Object.fromEntries(
        config.columns
          .filter((c) => !PG_ONLY.includes(`${config.name}.${c.name}`))
          .map((c) => [c.name, { notNull: c.notNull, primary: c.primary || composite.has(c.name) }]),
      ),
      indexes: config.indexes
        .filter((i) => !PG_ONLY.includes(i.config.name ?? ''))
        .map((i) => `${i.config.name}${i.config.unique ? ' (unique)' : ''}`)
        .sort(),
    };
  }
  return out;
}

describe('server schemas', () => {
  it('have the same tables, columns, nullability, keys and index names on SQLite and PostgreSQL', () => {
    const sqliteTables = Object.values(sqlite)
      .filter((t) => t instanceof SQLiteTable)
      .map(sqliteConfig);
    const pgTables = Object.values(pg)
      .filter((t) => t instanceof PgTable)
      .map(pgConfig)
      .filter((t) => !PG_ONLY.includes(t.name));
    expect(sqliteTables.length).toBeGreaterThanOrEqual(8);
    expect(shape(pgTables)).toEqual(shape(sqliteTables));
  });
});
