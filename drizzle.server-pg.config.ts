import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/schema-pg.ts',
  out: './drizzle/server-pg',
});
