import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/cli/vault/schema.ts',
  out: './drizzle/vault',
});
