// Input schemas of the router (zod), shared so that clients validate with the same rules.
import { z } from 'zod';
import {
  authorProblem,
  contentProblem,
  MAX_ANNOTATIONS,
  MAX_INT,
  MAX_TIME,
  MIN_TIME,
  PROJECT_ID_RE,
  THREAD_ID_RE,
  TAG_RE,
  THREAD_STATUSES,
  travellingContentProblem,
  USERNAME_RE,
} from './names.js';
import { noteContentProblem, notePathProblem, SHA256_RE } from './note-names.js';
import {
  CHUNK_KINDS,
  chunkLabelProblem,
  codePathProblem,
  codeUrlProblem,
  LANGUAGE_RE,
  MAX_SIGNATURE_CHARS,
  MAX_SYMBOL_CHARS,
} from './code-names.js';
import { textProblem } from './file-paths.js';
import { MAX_UPLOAD_FILES } from './manifest.js';

export const projectId = z
  .string()
  .regex(PROJECT_ID_RE, 'a project id is 1-64 lower-case letters, digits and hyphens');
export const threadId = z
  .string()
  .regex(THREAD_ID_RE, 'a thread id is 1-128 lower-case letters, digits and hyphens');
export const threadStatus = z.enum(THREAD_STATUSES);
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(USERNAME_RE, 'a username is 2-32 lower-case letters, digits, ".", "_" or "-"');
export const password = z
  .string()
  .min(8, 'a password has at least 8 characters')
  .max(1024, 'a password has at most 1024 characters');

export const credentials = z.object({ username, password });
export const loginInput = credentials.extend({
  /** The CLI asks for an API token instead of a session cookie. */
  token: z
    .object({
      name: z.string().trim().min(1).max(64).default('vlt CLI'),
      expiresDays: z.number().int().min(1).max(3650).optional(),
    })
    .optional(),
});

export const tokenCreateInput = z.object({
  name: z.string().trim().min(1, 'a token needs a label').max(64, 'a token label has at most 64 characters'),
  expiresDays: z.number().int().min(1).max(3650).optional(),
});
export const tokenRevokeInput = z.object({ id: z.string().min(1).max(64) });

/** A time between 1970 and the end of year 9999. */
export const time = z
  .date()
  .min(MIN_TIME, 'a time is from 1970 on')
  .max(MAX_TIME, 'a time is before the year 10000');
/** A sequence, page or cursor number: a whole number that fits the databases' integers. */
export const count = (min: number) => z.number().int().min(min).max(MAX_INT);
const withProblem =
  (problem: (text: string) => string | undefined) => (text: string, ctx: z.RefinementCtx) => {
    const message = problem(text);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
// The byte limit is the server's (configurable) and is checked there with a message naming it.
export const content = z.string().superRefine(withProblem(contentProblem));
export const author = z.string().superRefine(withProblem(authorProblem));

export const entryInput = z
  .object({
    entryId: z.uuid({ message: 'an entry id is a UUID' }),
    sequenceId: count(0),
    content: z.string(),
    author,
    timestamp: time,
    /** A tombstone (an entry deleted before this vault had its text, e.g. from an export): content "". */
    deleted: z.literal(true).optional(),
  })
  .superRefine((entry, ctx) => {
    const message = travellingContentProblem(entry.content, entry.deleted);
    if (message) ctx.addIssue({ code: 'custom', message, path: ['content'] });
  });

export const pushInput = z.object({
  projectId,
  threadId,
  status: threadStatus.default('active'),
  createdAt: time,
  entries: z.array(entryInput).min(1, 'a push carries at least one entry'),
});

export const threadKey = z.object({ projectId, threadId });

export const tag = z
  .string()
  .regex(
    TAG_RE,
    "a tag is 1-64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit",
  );
export const linkNote = z.string().max(1000, 'a link note has at most 1000 characters');
/**
 * Tags and links of entries the server has (`vlt thread tag`, `vlt thread link`): each is added
 * (a link made later replaces its note); entries the server does not have are answered in `unknownEntries`.
 */
export const annotateInput = z
  .object({
    tags: z.array(z.object({ entryId: z.uuid({ message: 'an entry id is a UUID' }), tag })).default([]),
    links: z
      .array(
        z.object({
          entryId: z.uuid({ message: 'an entry id is a UUID' }),
          projectId,
          threadId,
          note: linkNote.nullable(),
          /** When the link was made or given this note: a later one stands, an earlier one is ignored. */
          at: time,
        }),
      )
      .default([]),
  })
  .refine((a) => a.tags.length + a.links.length <= MAX_ANNOTATIONS, {
    message: `at most ${MAX_ANNOTATIONS} tags and links in one call: send the rest in another`,
  });
/** An edit of an entry the server has (`vlt thread edit`): a new revision, idempotent by its id. */
export const editEntryInput = z.object({
  entryId: z.uuid({ message: 'an entry id is a UUID' }),
  revisionId: z.uuid({ message: 'a revision id is a UUID' }),
  content,
  at: time,
});
/** A deletion of an entry the server has (`vlt thread rm`): a tombstone, idempotent by its id. */
export const deleteEntryInput = editEntryInput.omit({ content: true });
/** An entry's history (the web's "edited"): its id. */
export const entryHistoryInput = z.object({ entryId: z.uuid({ message: 'an entry id is a UUID' }) });

export type AnnotateInput = z.infer<typeof annotateInput>;
export const moveInput = threadKey.extend({ toProjectId: projectId });
export const setStatusInput = threadKey.extend({ status: threadStatus });
export const watchInput = threadKey.extend({ afterSequence: count(-1) });
export const cursor = z.string().max(200).optional();
export const pageLimit = count(1).optional();

export const listInput = z
  .object({ projectId: projectId.optional(), status: threadStatus.optional(), cursor, limit: pageLimit })
  .default({});
export const getInput = threadKey.extend({ cursor, limit: pageLimit });
export const searchInput = z.object({
  query: z.string().trim().min(1, 'the search is empty').max(2000),
  projectId: projectId.optional(),
  threadId: threadId.optional(),
  limit: pageLimit,
});
export const pullInput = z.object({ cursor, projectId: projectId.optional(), limit: pageLimit }).default({});

/** A page of "Download my data" (vlt's export format); the cursor from the page before. */
export const exportInput = z.object({ cursor, projectId: projectId.optional() }).default({});

export type PushInput = z.infer<typeof pushInput>;

export const oracleInput = z.object({
  // The character limit is the server's (configurable) and is checked there with a message naming it.
  question: z.string().trim().min(1, 'ask a question'),
  projectId: projectId.optional(),
  /** Only entries with this tag (notes and code are left out). */
  tag: tag.optional(),
  limit: z.number().int().min(1).max(20).optional(),
});

// Notes. The byte limit of a note and the number of notes are the server's (configurable) and are
// checked there with a message naming them.
export const notePath = z.string().superRefine(withProblem(notePathProblem));
export const sha256 = z.string().regex(SHA256_RE, 'a sha256 is 64 lower-case hexadecimal digits');
export const noteText = z.string().superRefine((text, ctx) => {
  const problem = noteContentProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: `the note's text cannot be stored: ${problem}` });
});

/**
 * The part of the folder a manifest speaks for (manifest.ts PathRange), for `*.manifestRange`: a
 * procedure of its own, so that a server older than ranges refuses it (NOT_FOUND) rather than take
 * one range for the whole folder.
 */
const pathRange = z
  .object({ from: z.string().max(4096), to: z.string().max(4096).nullable() })
  .refine((r) => r.to === null || r.from < r.to, { message: "a range's end comes after its start" });

export const notesManifestInput = z.object({
  projectId,
  files: z.array(z.object({ path: notePath, sha256, size: count(0) })).max(100_000),
  /** Answer what would change, and change nothing. */
  dryRun: z.boolean().optional(),
});
export const notesManifestRangeInput = notesManifestInput.extend({ range: pathRange });
export const notesUploadInput = z.object({
  projectId,
  files: z
    .array(z.object({ path: notePath, sha256, content: noteText }))
    .min(1, 'an upload carries at least one note')
    .max(MAX_UPLOAD_FILES, `an upload carries at most ${MAX_UPLOAD_FILES} files: send the rest in another`),
});
export const noteKey = z.object({ projectId, path: notePath });
export const notesListInput = z
  .object({ projectId: projectId.optional(), cursor, limit: pageLimit })
  .default({});
export const notesSearchInput = z.object({
  query: z.string().trim().min(1, 'the search is empty').max(2000),
  projectId: projectId.optional(),
  limit: pageLimit,
});

// Code (`vlt code sync`). As for notes, the byte limit of a file and the number of files are the
// server's (configurable) and are checked there with a message naming them; so is a chunk's place
// in its file (its lines must be in the text).
export const codePath = z.string().superRefine(withProblem(codePathProblem));
export const codeUrl = z
  .string()
  .superRefine(withProblem((url) => codeUrlProblem(url) && `[code] url ${codeUrlProblem(url)}`));
const chunkLabel = (what: string, max: number) =>
  z.string().superRefine(
    withProblem((text) => {
      const problem = chunkLabelProblem(text, max);
      return problem && `a chunk's ${what} ${problem}`;
    }),
  );
/** A chunk as the CLI found it: what it is and where, without its text (the server cuts it from the file's lines). */
export const codeChunkInput = z
  .object({
    kind: z.enum(CHUNK_KINDS),
    symbol: chunkLabel('name', MAX_SYMBOL_CHARS),
    container: chunkLabel('container', MAX_SYMBOL_CHARS),
    signature: chunkLabel('signature', MAX_SIGNATURE_CHARS),
    startLine: count(1),
    endLine: count(1),
  })
  .refine((c) => c.endLine >= c.startLine, { message: "a chunk's last line is before its first" });
export const codeText = z.string().superRefine((text, ctx) => {
  const problem = textProblem(text, 'source code');
  if (problem) ctx.addIssue({ code: 'custom', message: `the file's text cannot be stored: ${problem}` });
});

export const codeManifestInput = z.object({
  projectId,
  files: z.array(z.object({ path: codePath, sha256, size: count(0) })).max(100_000),
  /** The repository's web address (`[code] url`), for links to a chunk's lines; null: none. */
  url: codeUrl.nullable().optional(),
  dryRun: z.boolean().optional(),
});
export const codeManifestRangeInput = codeManifestInput.extend({ range: pathRange });
export const codeUploadInput = z.object({
  projectId,
  files: z
    .array(
      z.object({
        path: codePath,
        sha256,
        language: z.string().regex(LANGUAGE_RE, 'a language is 1-32 lower-case letters, digits or + # . _ -'),
        content: codeText,
        chunks: z.array(codeChunkInput).max(20_000, 'a file has at most 20000 chunks'),
      }),
    )
    .min(1, 'an upload carries at least one file')
    .max(MAX_UPLOAD_FILES, `an upload carries at most ${MAX_UPLOAD_FILES} files: send the rest in another`),
});
export const codeKey = z.object({ projectId, path: codePath });
/** A chunk of a file: the one that starts at `line`, else the one holding it. */
export const codeChunkKey = codeKey.extend({ line: count(1) });
export const codeListInput = notesListInput;
export const codeSearchInput = notesSearchInput;
