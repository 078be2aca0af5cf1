// The tools `vlt mcp` offers an agent: few, with arguments named as models guess them, results
// that name their project and stay under MAX_RESULT_CHARS (with a cursor to go on), and every
// failure one sentence saying what to do next. Reads and writes go through the vault's own code
// (vault.ts, append.ts) and writes sync as any push does (write-output.ts).
// A namespace import: esbuild then keeps only the parts used (with `{ z }`, every locale of zod).
import * as z from 'zod';
import { usageError, VltError } from '../../shared/errors.js';
import {
  checkAuthor,
  checkContent,
  checkProjectId,
  checkStatus,
  parseThreadRef,
} from '../../shared/names.js';
import type { VltCommand } from '../base.js';
import { createThread, pushEntry, type WrittenEntry } from '../vault/append.js';
import type { EntryView, ThreadRow, Vault } from '../vault/vault.js';
import { syncAfterWrite, type SyncOutcome } from '../write-output.js';

/** The most characters one result carries; the rest comes with the cursor it hands out. */
export const MAX_RESULT_CHARS = 20_000;
const DEFAULT_READ_LIMIT = 20;
const MAX_READ_LIMIT = 200;

/** The command serving the tools: the vault, settings, and how it syncs. */
export type ToolHost = VltCommand & { noSync: boolean };

export interface ToolContext {
  host: ToolHost;
  /** `vlt mcp --project`, else the vlt.toml found from the working directory, when there is one. */
  defaultProject: () => string | undefined;
}

// ---- arguments --------------------------------------------------------------------------------

const text = (what: string) => z.string({ error: `${what} must be text` });
const project = text('project').optional().describe('Project id; default: the one vlt mcp was started for');
const thread = text('thread').describe('Thread name, e.g. auth-refactor (or project/thread)');
const cursor = text('cursor').optional().describe('The nextCursor of the previous result, to continue');
const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a whole number from ${min} to ${max}` })
    .int(`${what} must be a whole number from ${min} to ${max}`)
    .min(min, `${what} must be a whole number from ${min} to ${max}`)
    .max(max, `${what} must be a whole number from ${min} to ${max}`);

export const TOOL_INPUTS = {
  list_threads: z.object({
    project,
    status: z
      .enum(['active', 'archived', 'blocked'], { error: 'status must be active, archived or blocked' })
      .optional(),
    cursor,
  }),
  read_thread: z.object({
    thread,
    project,
    order: z
      .enum(['newest', 'oldest'], { error: 'order must be newest or oldest' })
      .optional()
      .describe('newest first (default) or oldest first'),
    from_seq: whole('from_seq', 0, 2_147_483_647).optional().describe('First entry number of a range'),
    to_seq: whole('to_seq', 0, 2_147_483_647).optional().describe('Last entry number of a range'),
    limit: whole('limit', 1, MAX_READ_LIMIT)
      .optional()
      .describe(`Entries per page (default ${DEFAULT_READ_LIMIT})`),
    cursor,
  }),
  search_threads: z.object({
    query: text('query').describe('Words to look for'),
    project,
    limit: whole('limit', 1, 50).optional().describe('Results (default 10)'),
  }),
  thread_summary: z.object({ thread, project }),
  create_thread: z.object({
    thread,
    content: text('content').describe('First entry: the goal of the work'),
    project,
    author: text('author').optional().describe('Who writes (default: VLT_AUTHOR, config, "agent")'),
  }),
  push_entry: z.object({
    thread,
    content: text('content').describe('The entry: one finding, attempt, decision or question'),
    project,
    author: text('author').optional().describe('Who writes (default: VLT_AUTHOR, config, "agent")'),
  }),
  search_notes: z.object({
    query: text('query').describe('Words to look for'),
    project,
    limit: whole('limit', 1, 50).optional().describe('Results (default 10)'),
  }),
  read_note: z.object({
    path: text('path').describe('As search_notes gives it, e.g. docs/auth.md (or docs/auth.md:12-30)'),
    project,
    from_line: whole('from_line', 1, 2_147_483_647).optional().describe('First line (default 1)'),
    to_line: whole('to_line', 1, 2_147_483_647).optional().describe('Last line (default: the end)'),
    cursor,
  }),
  search_code: z.object({
    query: text('query').describe('Words to look for (names are split: "refresh token" finds refreshToken)'),
    project,
    limit: whole('limit', 1, 50).optional().describe('Results (default 10)'),
  }),
  code_def: z.object({
    name: text('name').describe('A symbol: acquireLock, or Class.method'),
    project,
  }),
  ask_oracle: z.object({
    question: text('question'),
    project,
    limit: whole('limit', 1, 20).optional().describe('Entries to draw from (default 5)'),
  }),
};

type Inputs = { [K in keyof typeof TOOL_INPUTS]: z.infer<(typeof TOOL_INPUTS)[K]> };

export const TOOL_DESCRIPTIONS: Record<keyof typeof TOOL_INPUTS, string> = {
  list_threads:
    "List the project's threads (newest activity first) with status and entry counts. Use it at the start of a task to find the thread to continue.",
  read_thread:
    'Read entries of a thread: newest first, or a range (from_seq/to_seq). Long results come in pages: pass nextCursor back as cursor. For a long thread read thread_summary first.',
  search_threads:
    "Full-text search of the project's entries; returns snippets citing thread#seq. Use it before deciding or trying something, to find what was already tried or decided.",
  thread_summary:
    "A thread's summary (goal, status, decisions, blockers, open questions, latest), each line citing thread#seq. Read it first when you pick up a thread.",
  create_thread:
    'Start a thread for a new task or topic; its first entry states the goal. Names: lower-case letters, digits, hyphens.',
  push_entry:
    'Add an entry to a thread. Push each decision as soon as it is made (start it with "Decided:"), each failed attempt and why, each blocker ("Blocked by …") and open question, so later sessions know.',
  search_notes:
    "Full-text search of the project's markdown notes (docs, designs, ADRs indexed by vlt notes index); returns path, lines, heading and a snippet. Use it to learn how and why something is designed; cite path:lines.",
  read_note:
    'Read a note with line numbers, whole or lines from_line to to_line (e.g. those search_notes found). Long notes come in pages: pass nextCursor back as cursor.',
  search_code:
    "Full-text search of the project's code (indexed by vlt code index: functions, methods, classes with their lines); returns path:lines (symbol), kind, signature and a snippet. Use it to find where something is done; cite path:lines.",
  code_def:
    'Where a symbol (function, method, class, type) is defined in the indexed code: path, lines, kind and signature.',
  ask_oracle:
    "Ask a question about the project's threads, notes and code; get an answer citing entries (thread#seq), notes and code (path:lines). The vlt server's Oracle, or the local vault when the server cannot be reached (mode says which).",
};

export const READ_ONLY = new Set<keyof typeof TOOL_INPUTS>([
  'list_threads',
  'read_thread',
  'search_threads',
  'thread_summary',
  'search_notes',
  'read_note',
  'search_code',
  'code_def',
  'ask_oracle',
]);

// ---- scoping ----------------------------------------------------------------------------------

function projectOf(ctx: ToolContext, given: string | undefined): string {
  if (given !== undefined) return checkProjectId(given);
  const fallback = ctx.defaultProject();
  if (fallback) return fallback;
  throw usageError(
    'no project: pass `project` (a project id such as "my-app"), or start the server with `vlt mcp --project <id>` or in a directory with a vlt.toml',
  );
}

function threadOf(ctx: ToolContext, ref: string, given: string | undefined) {
  const parsed = parseThreadRef(ref);
  if (parsed.project && given !== undefined && parsed.project !== checkProjectId(given)) {
    throw usageError(
      `thread '${ref}' names project ${parsed.project} but project is ${given}: give the project once`,
    );
  }
  return { project: parsed.project ?? projectOf(ctx, given), thread: parsed.thread };
}

const noThread = (project: string, thread: string) =>
  new VltError(
    `no thread '${project}/${thread}': list_threads shows the project's threads, create_thread starts one`,
  );

async function existingThread(ctx: ToolContext, ref: { project: string; thread: string }) {
  const vault = await ctx.host.optionalVault();
  const found = vault?.findThread(ref.project, ref.thread);
  if (!vault || !found) throw noThread(ref.project, ref.thread);
  return { vault, thread: found };
}

// ---- cursors ----------------------------------------------------------------------------------

interface ReadCursor {
  /** project/thread the cursor belongs to */
  t: string;
  o: 'newest' | 'oldest';
  /** the range */
  f: number;
  e: number;
  /** the next entry, and where in its content to go on */
  s: number;
  c: number;
}

const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decodeCursor<T>(value: string, check: (decoded: unknown) => decoded is T): T {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (check(decoded)) return decoded;
  } catch {
    // Falls through to the error below.
  }
  throw usageError(
    'invalid cursor: pass the nextCursor of the last result as it is, or call again without one',
  );
}
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isReadCursor = (v: unknown): v is ReadCursor => {
  const c = v as ReadCursor;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof c.t === 'string' &&
    (c.o === 'newest' || c.o === 'oldest') &&
    [c.f, c.e, c.s, c.c].every(isCount)
  );
};
const isListCursor = (v: unknown): v is { p: string; n: number } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { p: unknown }).p === 'string' &&
  isCount((v as { n: unknown }).n);

// ---- results ----------------------------------------------------------------------------------

const size = (value: unknown) => JSON.stringify(value).length;

/**
 * How many of `items`, from the start, fit in a result under the cap, given the size of the
 * result without them (`empty`, its cursor counted at its longest) and `reserve` for what the
 * result says when items are left out. Each item is measured once, and no further than the cap.
 */
function fitting(items: unknown[], empty: number, reserve = 0): number {
  let total = empty + reserve;
  for (let i = 0; i < items.length; i++) {
    total += size(items[i]) + (i > 0 ? 1 : 0);
    if (total > MAX_RESULT_CHARS) return i;
  }
  return items.length;
}

/** Room for a note or a cursor that a result carries only when something is left out. */
const RESERVE = 200;

/** The longest start of `text` (from `offset`) whose JSON string takes at most `room` characters. */
function sliceToFit(text: string, offset: number, room: number): string {
  let length = Math.min(text.length - offset, room);
  for (;;) {
    let slice = text.slice(offset, offset + length);
    // Never half a surrogate pair.
    if (/[\uD800-\uDBFF]$/.test(slice)) slice = slice.slice(0, -1);
    const taken = size(slice);
    if (taken <= room || slice.length <= 1) return slice;
    length = Math.max(1, Math.floor((slice.length * room) / taken) - 1);
  }
}

const entryItem = (e: EntryView) => ({
  seq: e.seq,
  author: e.author,
  timestamp: e.timestamp,
  content: e.content,
  ...(e.tags.length > 0 ? { tags: e.tags } : {}),
});

const syncOf = (outcome: SyncOutcome) =>
  outcome.state === 'synced' ? 'synced' : `queued: ${outcome.reason ?? 'waiting to be sent'}`;

// ---- the tools --------------------------------------------------------------------------------

export async function listThreads(ctx: ToolContext, args: Inputs['list_threads']) {
  const projectId = projectOf(ctx, args.project);
  const status = args.status === undefined ? undefined : checkStatus(args.status);
  const start = args.cursor === undefined ? 0 : decodeCursor(args.cursor, isListCursor);
  if (typeof start === 'object' && start.p !== projectId) {
    throw usageError('this cursor belongs to another project: call list_threads again without it');
  }
  const from = typeof start === 'object' ? start.n : 0;
  const vault = await ctx.host.optionalVault();
  const all = vault?.listThreads({ project: projectId, status }) ?? [];
  const items = all.slice(from).map((t) => ({
    thread: t.thread,
    status: t.status,
    entries: t.entries,
    lastActivity: t.lastActivity,
    ...(t.pending + t.failed > 0 ? { unsynced: t.pending + t.failed } : {}),
  }));
  const result = (page: typeof items) => ({
    project: projectId,
    threads: page,
    total: all.length,
    nextCursor:
      from + page.length < all.length ? encodeCursor({ p: projectId, n: from + page.length }) : null,
    ...(all.length === 0 ? { note: `no threads in project ${projectId} yet: create_thread starts one` } : {}),
  });
  return result(items.slice(0, fitting(items, size(result([])), RESERVE)));
}

export async function readThread(ctx: ToolContext, args: Inputs['read_thread']) {
  const ref = threadOf(ctx, args.thread, args.project);
  const { vault, thread } = await existingThread(ctx, ref);
  const name = `${ref.project}/${ref.thread}`;
  let position: ReadCursor;
  if (args.cursor !== undefined) {
    position = decodeCursor(args.cursor, isReadCursor);
    if (position.t !== name) {
      throw usageError(`this cursor belongs to ${position.t}: call read_thread for ${name} without it`);
    }
  } else {
    const order = args.order ?? 'newest';
    const f = args.from_seq ?? 0;
    const e = Math.min(args.to_seq ?? thread.lastSeq, Math.max(thread.lastSeq, 0));
    if (f > e && thread.lastSeq >= 0) {
      throw usageError(`from_seq ${f} is after to_seq ${e}: the thread has entries 0 to ${thread.lastSeq}`);
    }
    position = { t: name, o: order, f, e, s: order === 'oldest' ? f : e, c: 0 };
  }
  const limit = args.limit ?? DEFAULT_READ_LIMIT;
  const range =
    position.o === 'oldest'
      ? { fromSeq: position.s, toSeq: position.e }
      : { fromSeq: position.f, toSeq: position.s };
  const rows = vault.readRange(thread, { order: position.o, ...range, limit: limit + 1 });
  return readPage(name, thread, position, rows, limit);
}

function readPage(name: string, thread: ThreadRow, at: ReadCursor, rows: EntryView[], limit: number) {
  const [project, slug] = name.split('/') as [string, string];
  const step = at.o === 'oldest' ? 1 : -1;
  type Item = ReturnType<typeof entryItem> & { part?: { from: number; to: number; of: number } };
  // The first entry from where the cursor stopped inside it.
  const items: Item[] = rows.slice(0, limit).map((e, i) =>
    i === 0 && at.c > 0 && e.seq === at.s
      ? {
          ...entryItem(e),
          content: e.content.slice(at.c),
          part: { from: at.c, to: e.content.length, of: e.content.length },
        }
      : entryItem(e),
  );
  const base = (page: Item[], next: ReadCursor | null) => ({
    project,
    thread: slug,
    status: thread.status,
    lastSeq: thread.lastSeq,
    order: at.o,
    entries: page,
    nextCursor: next ? encodeCursor(next) : null,
  });
  // Where the page after `page` starts, if there is more.
  const after = (page: Item[]): ReadCursor | null => {
    const last = page.at(-1);
    if (!last) return null;
    if (last.part && last.part.to < last.part.of) return { ...at, s: last.seq, c: last.part.to };
    const nextSeq = last.seq + step;
    const more = page.length < rows.length && (at.o === 'oldest' ? nextSeq <= at.e : nextSeq >= at.f);
    return more ? { ...at, s: nextSeq, c: 0 } : null;
  };
  // A placeholder cursor as long as any real one, so that the size counted is the size sent.
  const longest = { ...at, s: 2_147_483_647, c: 2_147_483_647, f: at.f, e: at.e };
  const count = fitting(items, size(base([], longest)));
  if (count > 0) {
    const page = items.slice(0, count);
    return base(page, after(page));
  }
  const first = items[0];
  if (!first) return base([], null);
  // One entry alone is over the cap: as much of its content as fits, and a cursor into the rest.
  const offset = first.part?.from ?? 0;
  const whole = rows[0]!.content;
  const room =
    MAX_RESULT_CHARS -
    size(base([{ ...first, content: '', part: { from: offset, to: offset, of: whole.length } }], longest));
  const slice = sliceToFit(whole, offset, room);
  const page = [
    { ...first, content: slice, part: { from: offset, to: offset + slice.length, of: whole.length } },
  ];
  return base(page, after(page));
}

export async function searchThreads(ctx: ToolContext, args: Inputs['search_threads']) {
  const projectId = projectOf(ctx, args.project);
  if (args.query.trim() === '') throw usageError('the query is empty: give it some words');
  const vault = await ctx.host.optionalVault();
  const found = vault?.seek(args.query, { project: projectId, limit: args.limit ?? 10 }) ?? [];
  const results = found.map((r) => ({ thread: r.thread, seq: r.seq, snippet: r.snippet, score: r.score }));
  const result = (page: typeof results) => ({
    project: projectId,
    query: args.query,
    results: page,
    ...(page.length < results.length
      ? { note: `${results.length - page.length} more results left out to stay short: narrow the query` }
      : {}),
  });
  return result(results.slice(0, fitting(results, size(result([])), RESERVE)));
}

export async function threadSummary(ctx: ToolContext, args: Inputs['thread_summary']) {
  const ref = threadOf(ctx, args.thread, args.project);
  const { vault, thread } = await existingThread(ctx, ref);
  const { summary, headEntryId } = vault.threadSummary(thread);
  return {
    project: summary.project,
    thread: summary.thread,
    status: summary.status,
    currentTo: headEntryId === null ? null : { seq: summary.headSeq, entryId: headEntryId },
    mode: 'deterministic',
    summary: summary.text,
  };
}

/** The author: the call's, else VLT_AUTHOR, else config.toml's, else `agent` (the CLI's default is `user`). */
function authorOf(ctx: ToolContext, given: string | undefined): string {
  const resolved = ctx.host.setting('author', given);
  return resolved.source === 'default' ? 'agent' : checkAuthor(resolved.value ?? 'agent');
}

function contentOf(content: string): string {
  if (content.trim() === '') throw usageError("content is empty: give the entry's text");
  return checkContent(content);
}

async function written(ctx: ToolContext, entry: WrittenEntry) {
  const sync = await syncAfterWrite(ctx.host, entry);
  return {
    project: entry.project,
    thread: entry.thread,
    seq: entry.seq,
    entryId: entry.entryId,
    sync: syncOf(sync),
  };
}

export async function createThreadTool(ctx: ToolContext, args: Inputs['create_thread']) {
  const ref = threadOf(ctx, args.thread, args.project);
  const content = contentOf(args.content);
  const author = authorOf(ctx, args.author);
  const vault: Vault | undefined = await ctx.host.optionalVault();
  if (vault?.findThread(ref.project, ref.thread)) {
    throw usageError(`thread '${ref.project}/${ref.thread}' already exists: add to it with push_entry`);
  }
  const projectFile = ctx.host.project;
  const entry = createThread(ctx.host.sqlite({ create: true }), {
    project: ref.project,
    projectName: projectFile?.id === ref.project ? projectFile.name : ref.project,
    slug: ref.thread,
    content,
    author,
    server: ctx.host.queueServer(),
  });
  return written(ctx, entry);
}

export async function pushEntryTool(ctx: ToolContext, args: Inputs['push_entry']) {
  const ref = threadOf(ctx, args.thread, args.project);
  const content = contentOf(args.content);
  const author = authorOf(ctx, args.author);
  await existingThread(ctx, ref);
  const entry = pushEntry(ctx.host.sqlite({ create: true }), {
    project: ref.project,
    slug: ref.thread,
    content,
    author,
    server: ctx.host.queueServer(),
  });
  return written(ctx, entry);
}

// ---- code -------------------------------------------------------------------------------------

/** What to do when a project has no code in the vault. */
const noCode = (project: string) =>
  `no code indexed in project ${project}: run \`vlt code index\` in the project's repository`;

async function vaultCode(ctx: ToolContext) {
  const db = ctx.host.sqlite({ create: false });
  if (!db) return undefined;
  const { VaultCode } = await import('../vault/code.js');
  return new VaultCode(db);
}

const linesOf = (r: { startLine: number; endLine: number }) =>
  r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}-${r.endLine}`;

export async function searchCode(ctx: ToolContext, args: Inputs['search_code']) {
  const projectId = projectOf(ctx, args.project);
  if (args.query.trim() === '') throw usageError('the query is empty: give it some words');
  const code = await vaultCode(ctx);
  // `vlt code seek`'s own search, for one project.
  const found = code?.seek(args.query, { project: projectId, limit: args.limit ?? 10 }) ?? [];
  const results = found.map((r) => ({
    path: r.path,
    lines: linesOf(r),
    symbol: r.container && r.symbol ? `${r.container}.${r.symbol}` : r.symbol,
    kind: r.kind,
    signature: r.signature,
    snippet: r.snippet,
    score: r.score,
  }));
  const empty = results.length === 0 && (code?.count(projectId).files ?? 0) === 0;
  const result = (page: typeof results) => ({
    project: projectId,
    query: args.query,
    results: page,
    ...(empty ? { note: noCode(projectId) } : {}),
    ...(page.length < results.length
      ? { note: `${results.length - page.length} more results left out to stay short: narrow the query` }
      : {}),
  });
  return result(results.slice(0, fitting(results, size(result([])), RESERVE)));
}

export async function codeDef(ctx: ToolContext, args: Inputs['code_def']) {
  const projectId = projectOf(ctx, args.project);
  const name = args.name.trim();
  if (!/^[\p{L}_$][\p{L}\p{N}_$:.]{0,199}$/u.test(name)) {
    throw usageError(
      `'${name.slice(0, 80)}' is not a symbol name: give a name like acquireLock or Retrier.start`,
    );
  }
  const code = await vaultCode(ctx);
  const definitions = (code?.definitions(name, { project: projectId, limit: 20 }) ?? []).map((d) => ({
    path: d.path,
    lines: linesOf(d),
    symbol: d.container ? `${d.container}.${d.symbol}` : d.symbol,
    kind: d.kind,
    signature: d.signature,
    language: d.language,
  }));
  return {
    project: projectId,
    name,
    definitions,
    ...(definitions.length === 0
      ? {
          note:
            (code?.count(projectId).files ?? 0) === 0
              ? noCode(projectId)
              : `no definition of ${name} in project ${projectId}: search_code finds code by words`,
        }
      : {}),
  };
}

// ---- notes ------------------------------------------------------------------------------------

/** What to do when a project has no notes in the vault. */
const noNotes = (project: string) =>
  `no notes indexed in project ${project}: run \`vlt notes index\` in the project's directory (it indexes [notes] dir of vlt.toml, else docs/)`;

async function vaultNotes(ctx: ToolContext) {
  const db = ctx.host.sqlite({ create: false });
  if (!db) return undefined;
  const { VaultNotes } = await import('../vault/notes.js');
  return new VaultNotes(db);
}

export async function searchNotes(ctx: ToolContext, args: Inputs['search_notes']) {
  const projectId = projectOf(ctx, args.project);
  if (args.query.trim() === '') throw usageError('the query is empty: give it some words');
  const notes = await vaultNotes(ctx);
  // `vlt notes seek`'s own search, for one project.
  const found = notes?.seek(args.query, { project: projectId, limit: args.limit ?? 10 }) ?? [];
  const results = found.map((r) => ({
    path: r.path,
    lines: r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}-${r.endLine}`,
    heading: r.heading,
    title: r.title,
    snippet: r.snippet,
    score: r.score,
  }));
  const empty = results.length === 0 && !notes?.has(projectId);
  const result = (page: typeof results) => ({
    project: projectId,
    query: args.query,
    results: page,
    ...(empty ? { note: noNotes(projectId) } : {}),
    ...(page.length < results.length
      ? { note: `${results.length - page.length} more results left out to stay short: narrow the query` }
      : {}),
  });
  return result(results.slice(0, fitting(results, size(result([])), RESERVE)));
}

interface NoteCursor {
  /** project and path the cursor belongs to */
  p: string;
  n: string;
  /** the first 12 hex digits of the note's SHA-256 when the cursor was made */
  h: string;
  /** the next line, where in it to go on, and the last line of the range */
  l: number;
  c: number;
  e: number;
}
const isNoteCursor = (v: unknown): v is NoteCursor => {
  const c = v as NoteCursor;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof c.p === 'string' &&
    typeof c.n === 'string' &&
    typeof c.h === 'string' &&
    [c.l, c.c, c.e].every(isCount) &&
    c.l >= 1
  );
};

/** A path as search_notes and citations give it: `docs/auth.md`, `./docs/auth.md`, `docs/auth.md:12-30 (## Heading)`. */
function notePathOf(given: string): { path: string; from?: number; to?: number } {
  let path = given.trim().replace(/^\.\//, '');
  let from: number | undefined;
  let to: number | undefined;
  const cited = /^(.+?\.md):(\d+)(?:-(\d+))?(?:\s+\(.*\))?$/i.exec(path);
  if (cited) {
    path = cited[1]!;
    from = Number(cited[2]);
    to = cited[3] === undefined ? from : Number(cited[3]);
  }
  return { path, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

export async function readNote(ctx: ToolContext, args: Inputs['read_note']) {
  const projectId = projectOf(ctx, args.project);
  const { notePathProblem, noteLines } = await import('../../shared/notes.js');
  const given = notePathOf(args.path);
  const problem = notePathProblem(given.path);
  if (problem) {
    throw usageError(
      `invalid path '${args.path.slice(0, 200)}': ${problem}; give it as search_notes shows it, e.g. docs/auth.md`,
    );
  }
  const notes = await vaultNotes(ctx);
  const note = notes?.read(projectId, given.path);
  if (!note) {
    if (!notes?.has(projectId)) throw new VltError(noNotes(projectId));
    throw new VltError(
      `no note '${given.path}' in project ${projectId}: search_notes finds notes by words and gives their paths (\`vlt notes index\` picks up new files)`,
    );
  }
  const lines = noteLines(note.content);
  const count = lines.length === 1 && lines[0] === '' ? 0 : lines.length;
  const hash = note.sha256.slice(0, 12);
  let at: NoteCursor;
  if (args.cursor !== undefined) {
    at = decodeCursor(args.cursor, isNoteCursor);
    if (at.p !== projectId || at.n !== note.path) {
      throw usageError(`this cursor belongs to ${at.p}/${at.n}: call read_note for ${note.path} without it`);
    }
    if (at.h !== hash) {
      throw usageError(
        `${note.path} changed since this cursor was made: read it again with from_line ${at.l}, without the cursor`,
      );
    }
  } else {
    const from = args.from_line ?? given.from ?? 1;
    const to = Math.min(args.to_line ?? given.to ?? count, count);
    if (count > 0 && from > count) {
      throw usageError(`from_line ${from} is past the end: ${note.path} has ${count} lines`);
    }
    if (from > to && count > 0) throw usageError(`from_line ${from} is after to_line ${to}`);
    at = { p: projectId, n: note.path, h: hash, l: from, c: 0, e: to };
  }

  type Part = { line: number; from: number; to: number; of: number };
  const base = (text: string, from: number, to: number, part: Part | null, next: NoteCursor | null) => ({
    project: projectId,
    path: note.path,
    title: note.title,
    lines: { from, to, of: count },
    text,
    ...(part ? { part } : {}),
    nextCursor: next ? encodeCursor(next) : null,
  });
  if (count === 0) return base('', 0, 0, null, null);
  // A placeholder cursor and part as long as any real ones, so that the size counted is the size sent.
  const big = 2_147_483_647;
  const longest = { ...at, l: big, c: big };
  const room =
    MAX_RESULT_CHARS - size(base('', big, big, { line: big, from: big, to: big, of: big }, longest));
  // A JSON string's escapes are per character: the text's size is the sum of its lines'.
  const cost = (line: string) => size(line) - 2;
  let used = 0;
  let text = '';
  let line = at.l;
  // The first line from where the cursor stopped inside it.
  let first = at.c > 0 ? lines[line - 1]!.slice(at.c) : lines[line - 1]!;
  for (; line <= at.e; line++) {
    const numbered = `${line}\t${line === at.l ? first : lines[line - 1]!}\n`;
    const taken = cost(numbered);
    if (used + taken > room) break;
    used += taken;
    text += numbered;
  }
  if (line > at.l) {
    const next = line <= at.e ? { ...at, l: line, c: 0 } : null;
    const part =
      at.c > 0 ? { line: at.l, from: at.c, to: lines[at.l - 1]!.length, of: lines[at.l - 1]!.length } : null;
    return base(text.slice(0, -1), at.l, line - 1, part, next);
  }
  // One line alone is over the cap: as much of it as fits, and a cursor into the rest.
  const whole = lines[at.l - 1]!;
  const prefix = `${at.l}\t`;
  first = sliceToFit(whole, at.c, room - cost(prefix));
  const to = at.c + first.length;
  const part = { line: at.l, from: at.c, to, of: whole.length };
  const next = to < whole.length ? { ...at, c: to } : at.l < at.e ? { ...at, l: at.l + 1, c: 0 } : null;
  return base(prefix + first, at.l, at.l, part, next);
}

export async function askOracleTool(ctx: ToolContext, args: Inputs['ask_oracle']) {
  const projectId = projectOf(ctx, args.project);
  const question = args.question.trim();
  if (!question) throw usageError('the question is empty: ask something, e.g. "what did we decide about …?"');
  if ([...question].length > 2000) throw usageError('the question is over 2000 characters: shorten it');
  const { askOracle } = await import('../oracle.js');
  const answer = await askOracle(ctx.host, {
    question,
    project: projectId,
    limit: args.limit ?? 5,
    local: false,
  });
  const sources = answer.sources.map((s) =>
    s.kind === 'note'
      ? { note: s.path, lines: `${s.startLine}-${s.endLine}`, heading: s.heading, snippet: s.snippet }
      : s.kind === 'code'
        ? { code: s.path, lines: `${s.startLine}-${s.endLine}`, symbol: s.symbol, snippet: s.snippet }
        : { thread: s.thread, seq: s.seq, snippet: s.snippet },
  );
  const result = (page: typeof sources) => ({
    project: projectId,
    question,
    answer: answer.answer,
    mode: answer.mode,
    note: answer.note,
    sources: page,
  });
  return result(sources.slice(0, fitting(sources, size(result([])))));
}

export const TOOLS: {
  [K in keyof typeof TOOL_INPUTS]: (ctx: ToolContext, args: Inputs[K]) => Promise<unknown>;
} = {
  list_threads: listThreads,
  read_thread: readThread,
  search_threads: searchThreads,
  thread_summary: threadSummary,
  create_thread: createThreadTool,
  push_entry: pushEntryTool,
  search_notes: searchNotes,
  read_note: readNote,
  search_code: searchCode,
  code_def: codeDef,
  ask_oracle: askOracleTool,
};
