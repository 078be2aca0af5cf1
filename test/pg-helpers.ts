// PostgreSQL for tests: a database of its own on a real server, made on first use.
import pg from 'pg';

/** Creates (when missing) the database `name` on the server at `url`; returns its URL. */
export async function databaseFor(url: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
