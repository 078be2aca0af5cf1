// The notes set measured: the dev set's threads and the notes together in one vault (local mode,
// the same retrieval as the server) and on the server (SQLite); recall@5 of the note questions,
// of the questions needing a note and a thread (both found), and of the dev set's thread
// questions with the notes loaded beside them.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThread, pushEntry } from '../src/cli/vault/append.js';
import { VaultNotes } from '../src/cli/vault/notes.js';
import { openVault } from '../src/cli/vault/open.js';
import { Vault } from '../src/cli/vault/vault.js';
import { createDeps } from '../src/server/context.js';
import { openServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import type { OracleSource } from '../src/shared/oracle.js';
import type { RetrievalSettings } from '../src/shared/retrieval.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { devEntries, nodeModules as nodeModulesDir } from './devset.js';
import { NOTE_QUESTIONS, noteDocuments, THREAD_QUESTIONS } from './notes-set.js';

const collapse = (text: string) => text.replace(/\s+/g, ' ');
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface NotesResult {
  mode: string;
  noteRecallAt5: number;
  bothRecallAt5: number;
  threadRecallAt5: number;
  misses: string[];
}

type Ask = (question: string) => Promise<OracleSource[]>;

async function score(mode: string, ask: Ask): Promise<NotesResult> {
  const holds = (sources: OracleSource[], kind: 'note' | 'entry', anchor: string) =>
    sources.some((s) => s.kind === kind && collapse(s.content).includes(collapse(anchor)));
  let notes = 0;
  let noteCount = 0;
  let both = 0;
  let bothCount = 0;
  const misses: string[] = [];
  for (const q of NOTE_QUESTIONS) {
    const sources = await ask(q.question);
    const noteFound = q.noteAnchor === undefined || holds(sources, 'note', q.noteAnchor);
    const entryFound = q.entryAnchor === undefined || holds(sources, 'entry', q.entryAnchor);
    if (q.entryAnchor) {
      bothCount++;
      if (noteFound && entryFound) both++;
    } else {
      noteCount++;
      if (noteFound) notes++;
    }
    if (!noteFound || !entryFound) misses.push(q.question);
  }
  let threads = 0;
  for (const q of THREAD_QUESTIONS) {
    const anchors = (Array.isArray(q.anchor) ? q.anchor : [q.anchor]).map(collapse);
    const sources = await ask(q.question);
    if (anchors.some((a) => holds(sources, 'entry', a))) threads++;
  }
  return {
    mode,
    noteRecallAt5: notes / noteCount,
    bothRecallAt5: both / bothCount,
    threadRecallAt5: threads / THREAD_QUESTIONS.length,
    misses,
  };
}

function localAsk(settings?: Partial<RetrievalSettings>): { ask: Ask; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-eval-notes-'));
  const db = openVault(join(dir, 'vault.db'), { create: true })!;
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
  const files = noteDocuments(nodeModulesDir()).map((d) => ({
    path: d.path,
    sha256: sha(d.text),
    size: Buffer.byteLength(d.text),
    text: () => d.text,
  }));
  new VaultNotes(db).index('handbook', files);
  const vault = new Vault(db);
  return {
    ask: async (question) => (await vault.oracleSources(question, { limit: 5, settings })).sources,
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function serverAsk(database: string, settings?: Partial<RetrievalSettings>) {
  const deps = createDeps(await openServerDb(database), DEFAULT_LIMITS, {
    secret: randomBytes(32),
    retrieval: settings,
  });
  const user = await deps.accounts.signup('evalnotes', 'evaluation password');
  const byThread = new Map<string, { project: string; thread: string; contents: string[] }>();
  for (const e of devEntries()) {
    const key = `${e.project}/${e.thread}`;
    const t = byThread.get(key) ?? { project: e.project, thread: e.thread, contents: [] };
    t.contents.push(e.content);
    byThread.set(key, t);
  }
  for (const t of byThread.values()) {
    for (let from = 0; from < t.contents.length; from += 100) {
      await deps.threads.push(user.id, {
        projectId: t.project,
        threadId: t.thread,
        status: 'active',
        createdAt: new Date(Date.UTC(2026, 0, 1)),
        entries: t.contents.slice(from, from + 100).map((content, j) => ({
          entryId: uuidv7(),
          sequenceId: from + j,
          content,
          author: 'eval',
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, from + j)),
        })),
      });
    }
  }
  const docs = noteDocuments(nodeModulesDir());
  await deps.notes.upload(user.id, {
    projectId: 'handbook',
    files: docs.map((d) => ({ path: d.path, sha256: sha(d.text), content: d.text })),
  });
  return {
    ask: async (question: string) => (await deps.oracle.retrieve(user.id, question, { limit: 5 })).sources,
    close: () => deps.db.close(),
  };
}

export async function runNotesEval(
  settings?: Partial<RetrievalSettings>,
  modes = ['local', 'extractive', 'extractive (pg)'],
) {
  const results: NotesResult[] = [];
  if (modes.includes('local')) {
    const local = localAsk(settings);
    results.push(await score('local', local.ask));
    local.close();
  }
  for (const [mode, database] of [
    ['extractive', ':memory:'],
    ['extractive (pg)', 'pglite:memory'],
  ] as const) {
    if (!modes.includes(mode)) continue;
    const server = await serverAsk(database, settings);
    results.push(await score(mode, server.ask));
    await server.close();
  }
  return results;
}

export function formatNotesResults(results: NotesResult[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return results
    .map(
      (r) =>
        `notes set / ${r.mode}: note questions recall@5 ${pct(r.noteRecallAt5)}, note+thread ${pct(r.bothRecallAt5)}, thread questions ${pct(r.threadRecallAt5)}${r.misses.length ? `; misses: ${r.misses.join(' | ')}` : ''}`,
    )
    .join('\n');
}
