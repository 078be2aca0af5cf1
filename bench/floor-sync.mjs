// The floor for `vlt thread push` with sync: a plain process that opens the same vault with
// better-sqlite3, inserts one row, and sends one entry to the server's `threads.push` over one HTTP
// request (superjson by hand), waiting for the answer. Nothing else.
// Usage: node bench/floor-sync.mjs VAULT SERVER_URL TOKEN SEQUENCE
import Database from 'better-sqlite3';
import { request } from 'node:http';

const [vault, serverUrl, token, seq] = process.argv.slice(2);
const db = new Database(vault);
db.prepare('INSERT INTO bench_floor (content) VALUES (?)').run(`floor ${Date.now()}`);
db.close();

const now = new Date().toISOString();
const hex = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const body = JSON.stringify({
  json: {
    projectId: 'floor',
    threadId: 'floor',
    status: 'active',
    createdAt: now,
    entries: [
      {
        entryId: `${hex(8)}-${hex(4)}-7${hex(3)}-8${hex(3)}-${hex(12)}`,
        sequenceId: Number(seq),
        content: `floor entry ${seq}`,
        author: 'bench',
        timestamp: now,
      },
    ],
  },
  meta: { values: { createdAt: ['Date'], 'entries.0.timestamp': ['Date'] } },
});
const url = new URL('/trpc/threads.push', serverUrl);
const req = request(
  url,
  {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${token}`,
    },
  },
  (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode !== 200) {
        console.error(`floor push answered ${res.statusCode}`);
        process.exit(1);
      }
    });
  },
);
req.on('error', (error) => {
  console.error(error.message);
  process.exit(1);
});
req.end(body);
