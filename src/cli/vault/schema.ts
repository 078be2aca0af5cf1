// The local vault's tables (drizzle). The FTS5 index and its triggers live in a custom migration.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

export const projects = sqliteTable('projects', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const threads = sqliteTable(
  'threads',
  {
    // A surrogate key, so that `vlt thread move` changes one row and no entry.
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    slug: text('slug').notNull(),
    status: text('status', { enum: ['active', 'archived', 'blocked'] })
      .notNull()
      .default('active'),
    /** Highest sequence written; the next entry takes lastSeq + 1. */
    lastSeq: integer('last_seq').notNull().default(-1),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('threads_project_slug').on(t.projectId, t.slug),
    index('threads_updated').on(t.updatedAt),
  ],
);

export const entries = sqliteTable(
  'entries',
  {
    // INTEGER PRIMARY KEY is the rowid, stable across VACUUM: the FTS index keys on it.
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    threadPk: integer('thread_pk')
      .notNull()
      .references(() => threads.pk),
    seq: integer('seq').notNull(),
    prevId: text('prev_id'),
    content: text('content').notNull(),
    author: text('author').notNull(),
    timestamp: text('timestamp').notNull(),
    /** The revision whose text `content` is (entry_revisions), null while it is the first. */
    revisionId: text('revision_id'),
    /** A tombstone (`vlt thread rm`): its sequence stays taken, `content` is ''. */
    deleted: integer('deleted').notNull().default(0),
  },
  (t) => [uniqueIndex('entries_thread_seq').on(t.threadPk, t.seq)],
);

/**
 * An entry's texts (`vlt thread edit`, `vlt thread rm`, and those pulled from other machines): the
 * first (named by the entry's id, kept when the first edit comes), each edit, and a deletion. The
 * entry's text is the latest edit by `at`, then `revisionId`; a deletion makes it a tombstone.
 */
export const entryRevisions = sqliteTable(
  'entry_revisions',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    entryPk: integer('entry_pk')
      .notNull()
      .references(() => entries.pk),
    revisionId: text('revision_id').notNull().unique(),
    content: text('content').notNull(),
    deleted: integer('deleted').notNull().default(0),
    at: text('at').notNull(),
  },
  (t) => [index('entry_revisions_entry').on(t.entryPk)],
);

export const tags = sqliteTable('tags', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
});

export const entryTags = sqliteTable(
  'entry_tags',
  {
    entryPk: integer('entry_pk')
      .notNull()
      .references(() => entries.pk),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.entryPk, t.tagId] }), index('entry_tags_tag').on(t.tagId)],
);

/**
 * A link from an entry to a thread it is about ("see auth-refactor"). `createdAt` is when it was
 * made or last given its note (here or on another machine): of two notes, the later stands.
 */
export const references = sqliteTable(
  'references',
  {
    id: text('id').primaryKey(),
    sourceEntryPk: integer('source_entry_pk')
      .notNull()
      .references(() => entries.pk),
    targetThreadPk: integer('target_thread_pk')
      .notNull()
      .references(() => threads.pk),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('references_source_target').on(t.sourceEntryPk, t.targetThreadPk),
    index('references_target').on(t.targetThreadPk),
  ],
);

/**
 * Summaries of a thread or a project up to a head entry (the seed's State). A thread's (id
 * `thread:<pk>`, target its pk) holds the summary of src/shared/summary.ts as JSON; it is made
 * again from the entries, never from itself, when the head, the algorithm or the basis differ.
 */
export const states = sqliteTable(
  'states',
  {
    id: text('id').primaryKey(),
    targetType: text('target_type', { enum: ['thread', 'project'] }).notNull(),
    targetId: text('target_id').notNull(),
    summary: text('summary').notNull(),
    /** The last entry the summary was made from: the entry it is current to. */
    headEntryId: text('head_entry_id'),
    createdAt: createdAt(),
    /** The version of the algorithm that made it (SUMMARY_VERSION); 0 before it was recorded. */
    algorithm: integer('algorithm').notNull().default(0),
    /** What else it was made from (the thread's place, status, last sequence and tags), as a key. */
    basis: text('basis'),
  },
  (t) => [index('states_target').on(t.targetType, t.targetId)],
);

/** Entries not yet acknowledged by the server. Written in the same transaction as the entry. */
export const outbox = sqliteTable(
  'outbox',
  {
    entryPk: integer('entry_pk')
      .primaryKey()
      .references(() => entries.pk),
    threadPk: integer('thread_pk')
      .notNull()
      .references(() => threads.pk),
    state: text('state', { enum: ['pending', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
    /**
     * The server (its URL) in force when the entry was written: the entry goes there and nowhere
     * else. NULL (rows from before it was recorded): the user's own server at sync time.
     */
    server: text('server'),
  },
  (t) => [index('outbox_thread').on(t.threadPk, t.state)],
);

/** Per thread: the server's contiguous watermark as last seen. */
export const syncWatermarks = sqliteTable('sync_watermarks', {
  threadPk: integer('thread_pk')
    .primaryKey()
    .references(() => threads.pk),
  serverSeq: integer('server_seq').notNull().default(-1),
  lastSyncAt: text('last_sync_at'),
});

/** Small sync facts: the pull cursor per server (key `pull:<server url>`). */
export const syncMeta = sqliteTable('sync_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Changes to threads the server has that the server has not had yet: `vlt thread move` (the project
 * the server keeps the thread under, in `fromProject`) and `vlt thread status`. The next sync sends
 * them before the thread's entries; a move the server refused keeps its reason in `lastError` and
 * waits for the user. Usually empty.
 */
export const pendingThreadChanges = sqliteTable('pending_thread_changes', {
  threadPk: integer('thread_pk')
    .primaryKey()
    .references(() => threads.pk),
  fromProject: text('from_project'),
  statusChanged: integer('status_changed', { mode: 'boolean' }).notNull().default(false),
  lastError: text('last_error'),
  /** The server the change goes to, as for the outbox. */
  server: text('server'),
});

/**
 * Tags and links (`vlt thread tag`, `vlt thread link`, an import's) the server has not had: each
 * goes once its entry is on the server. A tag (`tag`) or a link (`targetThreadPk`, `note`); a
 * refused one keeps the server's reason in `lastError`. Usually empty.
 */
export const pendingMarks = sqliteTable(
  'pending_marks',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    entryPk: integer('entry_pk')
      .notNull()
      .references(() => entries.pk),
    tag: text('tag'),
    targetThreadPk: integer('target_thread_pk').references(() => threads.pk),
    note: text('note'),
    /** When the link was made or given its note: the last one made stands everywhere. */
    at: text('at'),
    lastError: text('last_error'),
    /** The server the mark goes to, as for the outbox. */
    server: text('server'),
  },
  (t) => [index('pending_marks_entry').on(t.entryPk)],
);

/** Edits and deletions the server has not had: each goes once its entry is on the server. */
export const pendingRevisions = sqliteTable('pending_revisions', {
  revisionPk: integer('revision_pk')
    .primaryKey()
    .references(() => entryRevisions.pk),
  lastError: text('last_error'),
  /** The server the change goes to, as for the outbox. */
  server: text('server'),
});

/**
 * Markdown notes of a project's notes folder (`vlt notes index`/`sync`), by path: the text, its
 * SHA-256 (what tells a change, and a move when the same text turns up at another path) and what
 * parsing found. Chunks and links follow the note; the chunks' FTS index is note_chunks_fts.
 */
export const notes = sqliteTable(
  'notes',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    /** Relative to the project's root (the folder of vlt.toml), `/`-separated. */
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    /**
     * The file as it was on disk when its text was read and hashed (src/cli/notes/folder.ts
     * FileStat, JSON): a later scan that finds the same size, times and inode trusts `sha256`
     * without reading the file again. Null when unknown. Before `content`, so that reading it
     * never walks a long text's overflow pages.
     */
    fileStat: text('file_stat'),
    title: text('title').notNull(),
    /** JSON arrays of strings. */
    tags: text('tags').notNull(),
    aliases: text('aliases').notNull(),
    content: text('content').notNull(),
    indexedAt: text('indexed_at').notNull(),
  },
  (t) => [
    uniqueIndex('notes_project_path').on(t.projectId, t.path),
    index('notes_project_hash').on(t.projectId, t.sha256),
  ],
);

/** A note's chunks (shared/notes.ts): heading path, line range, text. */
export const noteChunks = sqliteTable(
  'note_chunks',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    notePk: integer('note_pk')
      .notNull()
      .references(() => notes.pk),
    seq: integer('seq').notNull(),
    /** The innermost heading as written (`## Token expiry`), '' before any. */
    heading: text('heading').notNull(),
    /** Every heading of the chunk, without marks, as the index searches them. */
    headingText: text('heading_text').notNull(),
    startLine: integer('start_line').notNull(),
    endLine: integer('end_line').notNull(),
    content: text('content').notNull(),
  },
  (t) => [uniqueIndex('note_chunks_note_seq').on(t.notePk, t.seq)],
);

/** The links of a note, by the key of what they name (shared/notes.ts noteKeys): backlinks. */
export const noteLinks = sqliteTable(
  'note_links',
  {
    notePk: integer('note_pk')
      .notNull()
      .references(() => notes.pk),
    key: text('key').notNull(),
    line: integer('line').notNull(),
  },
  (t) => [index('note_links_note').on(t.notePk), index('note_links_key').on(t.key)],
);

/**
 * Source files of a project's repository (`vlt code index`), by path: the SHA-256 of the text, the
 * stat when it was hashed (as for notes: an unchanged file is not read again), its language. The
 * text itself is in the chunks; their FTS index is code_chunks_fts.
 */
export const codeFiles = sqliteTable(
  'code_files',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    /** Relative to the indexed folder's repository root, `/`-separated. */
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    fileStat: text('file_stat'),
    language: text('language').notNull(),
    indexedAt: text('indexed_at').notNull(),
  },
  (t) => [uniqueIndex('code_files_project_path').on(t.projectId, t.path)],
);

/** A file's chunks (src/cli/code/chunk.ts): a definition or the lines between, with its place. */
export const codeChunks = sqliteTable(
  'code_chunks',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    filePk: integer('file_pk')
      .notNull()
      .references(() => codeFiles.pk),
    seq: integer('seq').notNull(),
    /** function, method, class, type, variable, module, lines (shared/code.ts ChunkKind). */
    kind: text('kind').notNull(),
    symbol: text('symbol').notNull(),
    container: text('container').notNull(),
    signature: text('signature').notNull(),
    startLine: integer('start_line').notNull(),
    endLine: integer('end_line').notNull(),
    content: text('content').notNull(),
  },
  (t) => [uniqueIndex('code_chunks_file_seq').on(t.filePk, t.seq), index('code_chunks_symbol').on(t.symbol)],
);
