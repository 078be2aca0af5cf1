// The floor for `vlt thread push --no-sync`: a plain process that opens the same vault with
// better-sqlite3 and inserts one row, nothing else.
import Database from 'better-sqlite3';

const db = new Database(process.argv[2]);
db.prepare('INSERT INTO bench_floor (content) VALUES (?)').run(`floor ${Date.now()}`);
db.close();
