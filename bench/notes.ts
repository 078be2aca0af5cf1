// `vlt notes sync` of a folder of 1,000 notes of 10 KB against a live `vlt-server`, as whole
// processes: the first sync (a new vault, a new server: everything parsed, indexed and uploaded),
// then the median of syncs with nothing changed, then one edited file. The notes are
// markdown of bench/corpus.ts's words: a title, sections under headings, a list and a code fence.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDataDir, ROOT, startServer, userWithToken } from '../test/net-helpers.js';
import { corpus } from './corpus.js';

const VLT = join(ROOT, 'dist', 'cli', 'vlt.mjs');

export interface NotesBench {
  notes: number;
  noteBytes: number;
  runs: number;
  firstSyncMs: number;
  noChangeSyncMs: number;
  oneEditSyncMs: number;
  noChangeIndexMs: number;
  nodeMs: number;
}

/** `count` notes of about `bytes` bytes each, in 20 folders. */
export function writeNotes(dir: string, count: number, bytes: number): void {
  const sentences = corpus(count * Math.ceil(bytes / 90), 29);
  let next = 0;
  for (let i = 0; i < count; i++) {
    const folder = join(dir, `area-${i % 20}`);
    mkdirSync(folder, { recursive: true });
    const lines = [`# Note ${i}: ${sentences[next++]!.slice(0, 40)}`, ''];
    let section = 0;
    while (lines.join('\n').length < bytes - 200) {
      if (lines.length % 14 === 2) lines.push(`## Section ${++section}`, '');
      else if (lines.length % 23 === 0)
        lines.push('```sh', `vlt thread push note-${i} "${section}"`, '```', '');
      else if (lines.length % 9 === 0)
        lines.push(`- ${sentences[next++]!}`, `- see [[Note ${(i + 1) % count}]]`, '');
      else lines.push(sentences[next++]!, '');
    }
    writeFileSync(join(folder, `note-${i}.md`), `${lines.join('\n')}\n`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number) => Number(n.toFixed(1));

export async function benchNotes(runs: number, count = 1000, bytes = 10_000): Promise<NotesBench> {
  const data = newDataDir();
  const env = { VLT_LIMIT_PUSH_PER_MINUTE: '100000000', VLT_LIMIT_NOTES_PER_PROJECT: '100000' };
  const server = await startServer(data, 0, env);
  const base = mkdtempSync(join(tmpdir(), 'vlt-bench-notes-'));
  try {
    const token = userWithToken(data, 'bench', 'benchmark password', { ...process.env, ...env });
    const cwd = join(base, 'work');
    mkdirSync(cwd);
    const boxEnv: NodeJS.ProcessEnv = {
      ...process.env,
      VLT_HOME: join(base, 'home'),
      VLT_NO_RETRIER: '1',
      VLT_SERVER_URL: server.url,
      VLT_SYNC_TOKEN: token,
    };
    delete boxEnv.VLT_AUTHOR;
    const run = (args: string[], expect?: RegExp) => {
      const start = process.hrtime.bigint();
      // VLT_BENCH_CLI_PROFILE=DIR: each vlt run writes a CPU profile there (node --cpu-prof).
      const profile = process.env.VLT_BENCH_CLI_PROFILE;
      const argv = profile && args[0] === VLT ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, ...args] : args;
      const result = spawnSync(process.execPath, argv, { cwd, env: boxEnv, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      if (expect && !expect.test(result.stdout)) {
        throw new Error(`${args.join(' ')} printed ${JSON.stringify(result.stdout)}, not ${expect}`);
      }
      return ms;
    };
    run([VLT, 'init', '--project', 'bench']);
    writeNotes(join(cwd, 'docs'), count, bytes);
    const firstSyncMs = run([VLT, 'notes', 'sync'], new RegExp(`server: ${count} uploaded`));
    const noChange: number[] = [];
    const index: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(run(['-e', '0']));
      noChange.push(run([VLT, 'notes', 'sync'], /server: nothing to upload \(0 bytes sent\)/));
      index.push(run([VLT, 'notes', 'index'], /nothing changed/));
    }
    const edited = join(cwd, 'docs', 'area-3', 'note-3.md');
    writeFileSync(edited, `# Note 3, edited\n\nA new first line.\n`);
    utimesSync(edited, new Date(), new Date(Date.now() + 5000));
    const oneEditSyncMs = run([VLT, 'notes', 'sync'], /server: 1 uploaded/);
    return {
      notes: count,
      noteBytes: bytes,
      runs,
      firstSyncMs: round(firstSyncMs),
      noChangeSyncMs: round(median(noChange)),
      oneEditSyncMs: round(oneEditSyncMs),
      noChangeIndexMs: round(median(index)),
      nodeMs: round(median(node)),
    };
  } finally {
    await server.stop();
    rmSync(base, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
}
