// vlt's own export format (JSONL), written by `vlt export` and the server's "Download my data", read
// by `vlt import`: one JSON object per line. Line 1 is the header; then each thread, followed by
// exactly its `entries` entries in sequence order (0, 1, 2 …). The schemas here are what an import
// trusts: a file is hostile input until every line has passed them.
import { z } from 'zod';
import {
  MAX_CONTENT_BYTES,
  MAX_TIME,
  MIN_TIME,
  TAG_RE,
  travellingContentProblem,
  utf8Length,
} from './names.js';
import { author, count, projectId, threadId, threadStatus } from './schemas.js';

export const EXPORT_FORMAT = 'vlt-export';
export const EXPORT_VERSION = 1;
/** The longest line an import reads: an entry of 100,000 bytes escaped as \uXXXX, with room for its tags and links. */
export const MAX_EXPORT_LINE_BYTES = 8 * 1024 * 1024;
/** The most tags and links one entry may carry in a file. */
const MAX_PER_ENTRY = 1000;

/** An ISO 8601 time (UTC, as vlt writes them) between 1970 and the end of year 9999. */
const isoTime = z.iso
  .datetime({ message: 'a time is ISO 8601 in UTC, like 2026-11-30T09:56:31.000Z' })
  .refine(
    (text) => {
      const t = new Date(text).getTime();
      return t >= MIN_TIME.getTime() && t <= MAX_TIME.getTime();
    },
    { message: 'a time is from 1970 to the end of year 9999' },
  );

const entryId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'an entry id is a UUID in lower-case hexadecimal',
  );

export const exportHeader = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.number().int(),
  exportedAt: isoTime,
  /** The vlt that wrote it (informative). */
  vlt: z.string().max(100).optional(),
  /** The project it was limited to (`--project`), or null for everything. */
  project: projectId.nullable().optional(),
});

export const exportThread = z.strictObject({
  type: z.literal('thread'),
  project: projectId,
  thread: threadId,
  /** The project's display name (`vlt init --name`). */
  projectName: z.string().min(1).max(200).optional(),
  status: threadStatus,
  created: isoTime,
  /** How many entry lines follow: a cut-off file is told from a whole one. */
  entries: count(0),
});

export const exportLink = z.strictObject({
  project: projectId,
  thread: threadId,
  note: z.string().max(1000, 'a link note has at most 1000 characters').nullable(),
});

export const exportEntry = z
  .strictObject({
    type: z.literal('entry'),
    project: projectId,
    thread: threadId,
    id: entryId,
    seq: count(0),
    author,
    timestamp: isoTime,
    content: z.string().refine((text) => utf8Length(text) <= MAX_CONTENT_BYTES, {
      message: `entry content is over the limit of ${MAX_CONTENT_BYTES} bytes`,
    }),
    tags: z
      .array(z.string().regex(TAG_RE, 'a tag is 1-64 lower-case letters, digits, "-", "_" or "."'))
      .max(MAX_PER_ENTRY),
    links: z.array(exportLink).max(MAX_PER_ENTRY),
    /**
     * A deleted entry (`vlt thread rm`): it keeps its id and number, so that the entries after it
     * keep theirs; its content is "" and it has no tags or links. Absent for every other entry.
     */
    deleted: z
      .literal(true, {
        error: 'only a deleted entry has "deleted", and it is true: leave it out of the others',
      })
      .optional(),
  })
  .superRefine((entry, ctx) => {
    const message = travellingContentProblem(entry.content, entry.deleted);
    if (message) ctx.addIssue({ code: 'custom', message, path: ['content'] });
    if (entry.deleted && (entry.tags.length > 0 || entry.links.length > 0)) {
      ctx.addIssue({ code: 'custom', message: 'a deleted entry has no tags or links', path: ['deleted'] });
    }
  });

/** A line after the header. */
export const exportRecord = z.discriminatedUnion('type', [exportThread, exportEntry], {
  error: 'a line after the header is a thread ("type": "thread") or an entry ("type": "entry")',
});

export type ExportHeader = z.infer<typeof exportHeader>;
export type ExportThread = z.infer<typeof exportThread>;
export type ExportEntry = z.infer<typeof exportEntry>;
export type ExportLink = z.infer<typeof exportLink>;

/** A thread as exported: its line and its entries. */
export interface ExportedThread extends Omit<ExportThread, 'type' | 'entries'> {
  entries: Omit<ExportEntry, 'type' | 'project' | 'thread'>[];
}

export function headerLine(project: string | null, vlt: string, now = new Date()): string {
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    vlt,
    project,
  };
  return JSON.stringify(header);
}

/** A thread's line. */
export function threadLine(thread: Omit<ExportThread, 'type'>): string {
  const line: ExportThread = {
    type: 'thread',
    project: thread.project,
    thread: thread.thread,
    ...(thread.projectName === undefined ? {} : { projectName: thread.projectName }),
    status: thread.status,
    created: thread.created,
    entries: thread.entries,
  };
  return JSON.stringify(line);
}

/** An entry's line. */
export function entryLine(
  where: { project: string; thread: string },
  entry: ExportedThread['entries'][number],
): string {
  const line: ExportEntry = {
    type: 'entry',
    project: where.project,
    thread: where.thread,
    id: entry.id,
    seq: entry.seq,
    author: entry.author,
    timestamp: entry.timestamp,
    content: entry.content,
    tags: entry.tags,
    links: entry.links,
    ...(entry.deleted ? { deleted: true as const } : {}),
  };
  return JSON.stringify(line);
}

/** The lines of one thread (its line, then its entries), without newlines. */
export function threadLines(thread: ExportedThread): string[] {
  const { entries, ...rest } = thread;
  return [threadLine({ ...rest, entries: entries.length }), ...entries.map((e) => entryLine(rest, e))];
}

/** The first problem of a zod failure, as `field: message`. */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const field = issue.path.join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

/**
 * Reads a vlt export line by line: `line` gets each line's text and number (1-based) and returns
 * a problem or undefined. Parses and validates only; what the lines mean for a vault is the
 * importer's. Returns the threads, or throws the first problem as `line N: …`.
 */
export class ExportReader {
  private lineNo = 0;
  private blankAt: number | undefined;
  private current: ExportedThread | undefined;
  private expected = 0;
  private readonly seenThreads = new Set<string>();
  private readonly seenIds = new Map<string, number>();
  readonly threads: ExportedThread[] = [];
  /** The line each thread's line and each entry came from, for messages. */
  readonly lineOf = new Map<string, number>();

  /** Reads one line; returns a problem (without the line number) or undefined. */
  line(text: string): string | undefined {
    this.lineNo++;
    const n = this.lineNo;
    if (n === 1) text = text.replace(/^\uFEFF/, '');
    // Blank lines at the end (an editor's) are let be; a blank line between records is not.
    if (n > 1 && text.trim() === '') {
      this.blankAt ??= n;
      return undefined;
    }
    if (this.blankAt !== undefined) return `an empty line (line ${this.blankAt}) inside the export`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return n === 1
        ? 'not a vlt export (the first line is not JSON): give a file written by `vlt export --format jsonl`'
        : 'not valid JSON';
    }
    if (n === 1) return this.header(value);
    const parsed = exportRecord.safeParse(value);
    if (!parsed.success) return firstProblem(parsed.error);
    const record = parsed.data;
    if (record.type === 'thread') {
      if (this.current && this.current.entries.length < this.expected) {
        return `thread ${this.current.project}/${this.current.thread} has ${this.current.entries.length} of its ${this.expected} entries before this line: the file is cut or edited`;
      }
      const name = `${record.project}/${record.thread}`;
      if (this.seenThreads.has(name)) return `thread ${name} appears twice`;
      this.seenThreads.add(name);
      this.lineOf.set(name, n);
      const { type: _type, entries, ...thread } = record;
      this.current = { ...thread, entries: [] };
      this.expected = entries;
      this.threads.push(this.current);
      return undefined;
    }
    const current = this.current;
    if (!current || current.project !== record.project || current.thread !== record.thread) {
      return `entry of ${record.project}/${record.thread} is not under its thread's line`;
    }
    if (current.entries.length >= this.expected) {
      return `thread ${current.project}/${current.thread} says it has ${this.expected} entries, and this is one more`;
    }
    if (record.seq !== current.entries.length) {
      return `entry seq ${record.seq} out of order: thread ${current.project}/${current.thread} expects seq ${current.entries.length} here`;
    }
    const before = this.seenIds.get(record.id);
    if (before !== undefined) return `entry id ${record.id} already appears on line ${before}`;
    this.seenIds.set(record.id, n);
    this.lineOf.set(record.id, n);
    const { type: _type, project: _project, thread: _thread, ...entry } = record;
    entry.timestamp = new Date(entry.timestamp).toISOString();
    current.entries.push(entry);
    return undefined;
  }

  /** After the last line: a problem (a cut-off file) or undefined. */
  end(): string | undefined {
    if (this.lineNo === 0) return 'the file is empty: give a file written by `vlt export --format jsonl`';
    if (this.current && this.current.entries.length < this.expected) {
      return `thread ${this.current.project}/${this.current.thread} has ${this.current.entries.length} of its ${this.expected} entries: the file is cut short`;
    }
    return undefined;
  }

  get lines(): number {
    return this.lineNo;
  }

  private header(value: unknown): string | undefined {
    const looksLike =
      typeof value === 'object' && value !== null && (value as { format?: unknown }).format === EXPORT_FORMAT;
    if (!looksLike) {
      return 'not a vlt export (no vlt-export header on line 1): give a file written by `vlt export --format jsonl`';
    }
    const version = (value as { version?: unknown }).version;
    if (typeof version === 'number' && version > EXPORT_VERSION) {
      return `the export is format version ${version}, newer than this vlt reads (${EXPORT_VERSION}): upgrade vlt`;
    }
    if (version !== EXPORT_VERSION) {
      return `the export's format version is ${JSON.stringify(version)}, not one this vlt reads (${EXPORT_VERSION})`;
    }
    const parsed = exportHeader.safeParse(value);
    return parsed.success ? undefined : `bad header: ${firstProblem(parsed.error)}`;
  }
}
