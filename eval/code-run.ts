// The code set measured: this repository's src/ (its tests and eval/ quote the questions' words) and express's
// lib indexed in one vault, each question asked of `vlt code seek`'s search and of the Oracle
// (local mode), alone and with the dev set's 917 entries beside the code; and the dev set's thread
// questions asked again with the code loaded, to see what code costs them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexCode } from '../src/cli/code/local.js';
import { createThread, pushEntry } from '../src/cli/vault/append.js';
import { VaultCode } from '../src/cli/vault/code.js';
import { openVault, type Sqlite } from '../src/cli/vault/open.js';
import { Vault } from '../src/cli/vault/vault.js';
import type { OracleSource } from '../src/shared/oracle.js';
import type { RetrievalSettings } from '../src/shared/retrieval.js';
import { CODE_QUESTIONS, type CodeQuestion } from './code-set.js';
import { DEV_QUESTIONS, devEntries, nodeModules } from './devset.js';

const ROOT = join(nodeModules(), '..');

export interface CodeResult {
  mode: string;
  recallAt5: number;
  /** Of this repository's questions, and of express's. */
  byProject: Record<string, number>;
  misses: string[];
  /** The dev set's thread questions, recall@5, when entries were loaded. */
  threadRecallAt5?: number;
}

async function loadCode(db: Sqlite): Promise<void> {
  await indexCode(
    db,
    // src/ only: the tests and the eval quote the questions' own words, and change with the work.
    { root: ROOT, dir: join(ROOT, 'src'), shown: 'src', exclude: [] },
    { project: 'vlt', dryRun: false },
  );
  const express = join(nodeModules(), 'express');
  await indexCode(
    db,
    { root: express, dir: express, shown: '', exclude: [] },
    { project: 'express', dryRun: false },
  );
}

function loadEntries(db: Sqlite): void {
  const made = new Set<string>();
  for (const entry of devEntries()) {
    const input = {
      project: entry.project,
      slug: entry.thread,
      content: entry.content,
      author: 'eval',
      server: null,
    };
    const key = `${entry.project}/${entry.thread}`;
    if (made.has(key)) pushEntry(db, input);
    else createThread(db, { ...input, projectName: entry.project });
    made.add(key);
  }
}

/** The lines a question's answer is at: its symbol's definition in its file, or its line. */
function targetOf(code: VaultCode, q: CodeQuestion): { from: number; to: number } {
  if (q.line !== undefined) return { from: q.line, to: q.line };
  const def = code.definitions(q.symbol!, { project: q.project, limit: 50 }).find((d) => d.path === q.path);
  if (!def) throw new Error(`the code set names ${q.symbol} in ${q.path}, which the index does not hold`);
  return { from: def.startLine, to: def.endLine };
}

type Found = { path: string; startLine: number; endLine: number }[];

async function score(
  mode: string,
  code: VaultCode,
  ask: (q: CodeQuestion) => Promise<Found>,
): Promise<CodeResult> {
  let found = 0;
  const per: Record<string, [number, number]> = {};
  const misses: string[] = [];
  for (const q of CODE_QUESTIONS) {
    const target = targetOf(code, q);
    const sources = (await ask(q)).slice(0, 5);
    const hit = sources.some(
      (s) => s.path === q.path && s.startLine <= target.to && s.endLine >= target.from,
    );
    const p = (per[q.project] ??= [0, 0]);
    p[1]++;
    if (hit) {
      found++;
      p[0]++;
    } else misses.push(`[${q.project}] ${q.question}`);
  }
  return {
    mode,
    recallAt5: found / CODE_QUESTIONS.length,
    byProject: Object.fromEntries(Object.entries(per).map(([k, [a, b]]) => [k, a / b])),
    misses,
  };
}

/** Recall@5 of the dev set's thread questions. */
async function threadRecall(vault: Vault, settings?: Partial<RetrievalSettings>): Promise<number> {
  let found = 0;
  for (const q of DEV_QUESTIONS) {
    const anchors = (Array.isArray(q.anchor) ? q.anchor : [q.anchor]).map((a) => a.replace(/\s+/g, ' '));
    const sources = (await vault.oracleSources(q.question, { limit: 5, settings })).sources;
    const holds = (s: OracleSource) =>
      s.kind === 'entry' && anchors.some((a) => s.content.replace(/\s+/g, ' ').includes(a));
    if (sources.some(holds)) found++;
  }
  return found / DEV_QUESTIONS.length;
}

const codeOnly = (sources: OracleSource[]): Found => sources.flatMap((s) => (s.kind === 'code' ? [s] : []));

export async function runCodeEval(settings?: Partial<RetrievalSettings>): Promise<CodeResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-eval-code-'));
  try {
    const db = openVault(join(dir, 'vault.db'), { create: true })!;
    await loadCode(db);
    const code = new VaultCode(db);
    const vault = new Vault(db);
    const oracle = async (q: CodeQuestion, project?: string) =>
      (await vault.oracleSources(q.question, { project, limit: 5, settings })).sources;
    const results: CodeResult[] = [];
    results.push(
      await score('code seek', code, (q) =>
        Promise.resolve(code.seek(q.question, { project: q.project, limit: 5 })),
      ),
    );
    results.push(
      await score('oracle local, code only', code, async (q) => codeOnly(await oracle(q, q.project))),
    );
    loadEntries(db);
    // Without a project: the code of both codebases and the dev set's entries all compete.
    const mixed = await score('oracle local, code + dev entries', code, async (q) =>
      codeOnly(await oracle(q)),
    );
    results.push({ ...mixed, threadRecallAt5: await threadRecall(vault, settings) });
    db.close();
    // The same thread questions without the code, for comparison.
    const bare = openVault(join(dir, 'entries.db'), { create: true })!;
    loadEntries(bare);
    results.push({
      mode: 'oracle local, dev entries only',
      recallAt5: Number.NaN,
      byProject: {},
      misses: [],
      threadRecallAt5: await threadRecall(new Vault(bare), settings),
    });
    bare.close();
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatCodeResults(results: CodeResult[], misses = false): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return results
    .map(
      (r) =>
        `code set / ${r.mode}: ${
          Number.isNaN(r.recallAt5)
            ? ''
            : `recall@5 ${pct(r.recallAt5)} (${Object.entries(r.byProject)
                .map(([p, x]) => `${p} ${pct(x)}`)
                .join(', ')})`
        }${r.threadRecallAt5 === undefined ? '' : `; dev thread questions ${pct(r.threadRecallAt5)}`}${
          misses && r.misses.length ? `\n  missed: ${r.misses.join('\n  missed: ')}` : ''
        }`,
    )
    .join('\n');
}
