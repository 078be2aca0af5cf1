// Where a push's time goes on the server: threads.push in this process (no HTTP) on a SQLite file,
// batches of 100 entries, for a CPU profile (node --cpu-prof) or a quick entries/s figure.
//   node scripts/run-ts.mjs bench/ingest-profile.ts [entries] [clients]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeps } from '../src/server/context.js';
import { openServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { corpus } from './corpus.js';

const total = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'vlt-ingest-'));
const deps = createDeps(
  await openServerDb(join(dir, 'vlt.db')),
  { ...DEFAULT_LIMITS, pushPerMinute: 1e9 },
  {
    secret: randomBytes(32),
  },
);
const user = await deps.accounts.signup('bench', 'benchmark password');
const texts = corpus(total);
const started = process.hrtime.bigint();
const perThread = 500;
// Clients push at once, each its own threads (as the HTTP benchmark's 4 clients do).
const clients = Number(process.argv[3] ?? 1);
const client = async (c: number) => {
  for (let t = c; t * perThread < total; t += clients) {
    for (let offset = 0; offset < perThread && t * perThread + offset < total; offset += 100) {
      await deps.threads.push(user.id, {
        projectId: 'bench',
        threadId: `thread-${t}`,
        status: 'active',
        createdAt: new Date(Date.UTC(2026, 0, 1)),
        entries: texts.slice(t * perThread + offset, t * perThread + offset + 100).map((content, i) => ({
          entryId: uuidv7(),
          sequenceId: offset + i,
          content,
          author: 'bench',
          timestamp: new Date(Date.UTC(2026, 0, 1) + (offset + i) * 1000),
        })),
      });
    }
  }
};
await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `${total} entries in ${seconds.toFixed(2)} s: ${Math.round(total / seconds)} entries/s (in process, no HTTP, ${clients} clients)`,
);
await deps.db.close();
rmSync(dir, { recursive: true, force: true });
