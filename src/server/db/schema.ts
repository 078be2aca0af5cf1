// The server's tables (drizzle, SQLite). Every row carries its user; every query is scoped by it.
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  /** scrypt$N$r$p$salt$hash: never the password. */
  passwordHash: text('password_hash').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

/** Web sessions; the cookie holds a random secret, this table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull().default(now),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** API tokens for the CLI; only the SHA-256 of the secret part is stored. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: text('created_at').notNull().default(now),
    lastUsedAt: text('last_used_at'),
    expiresAt: text('expires_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const projects = sqliteTable(
  'projects',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    createdAt: text('created_at').notNull().default(now),
    /** The repository's web address (`[code] url`, sent by `vlt code sync`), for links to code's lines. */
    codeUrl: text('code_url'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);

export const threads = sqliteTable(
  'threads',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    threadId: text('thread_id').notNull(),
    status: text('status', { enum: ['active', 'archived', 'blocked'] })
      .notNull()
      .default('active'),
    createdAt: text('created_at').notNull(),
    /** Time of the newest entry (or creation): the list's order. */
    lastActivityAt: text('last_activity_at').notNull(),
    /** The entries one can read (not the deleted ones, whose numbers stay taken). */
    entryCount: integer('entry_count').notNull().default(0),
    /** The contiguous watermark: entries 0..n are all stored; -1 when none is. */
    lastSyncedSequence: integer('last_synced_sequence').notNull().default(-1),
    lastSyncAt: text('last_sync_at'),
    syncError: text('sync_error'),
  },
  (t) => [
    uniqueIndex('threads_user_project_thread').on(t.userId, t.projectId, t.threadId),
    index('threads_user_activity').on(t.userId, t.lastActivityAt, t.pk),
  ],
);

export const entries = sqliteTable(
  'entries',
  {
    // Also the change cursor of `threads.pull`: it only grows.
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadPk: integer('thread_pk')
      .notNull()
      .references(() => threads.pk, { onDelete: 'cascade' }),
    entryId: text('entry_id').notNull(),
    sequenceId: integer('sequence_id').notNull(),
    content: text('content').notNull(),
    author: text('author').notNull(),
    timestamp: text('timestamp').notNull(),
    receivedAt: text('received_at').notNull().default(now),
    /** The revision whose text `content` is (entry_revisions), null while it is the first. */
    revisionId: text('revision_id'),
    /** A tombstone: `vlt thread rm` deleted it; its sequence stays taken and `content` is ''. */
    deleted: integer('deleted').notNull().default(0),
  },
  (t) => [
    uniqueIndex('entries_user_entry').on(t.userId, t.entryId),
    uniqueIndex('entries_thread_sequence').on(t.threadPk, t.sequenceId),
    index('entries_user_pk').on(t.userId, t.pk),
  ],
);

/** Entry embeddings from the optional embeddings endpoint, per model, as Float32 arrays. */
export const entryEmbeddings = sqliteTable(
  'entry_embeddings',
  {
    entryPk: integer('entry_pk')
      .notNull()
      .references(() => entries.pk, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    model: text('model').notNull(),
    vector: blob('vector', { mode: 'buffer' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.entryPk, t.model] }),
    index('entry_embeddings_user_model').on(t.userId, t.model),
  ],
);

/**
 * Edits and deletions of entries (`vlt thread edit`, `vlt thread rm`), each kept: the entry's text
 * is its latest edit by `at` (then `revisionId`), the first text kept as the revision named by the
 * entry's own id; a deletion (`deleted`) makes the entry a tombstone whatever else arrives. `pk`
 * only grows: `threads.pull` hands them to the other machines.
 */
export const entryRevisions = sqliteTable(
  'entry_revisions',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    entryPk: integer('entry_pk')
      .notNull()
      .references(() => entries.pk, { onDelete: 'cascade' }),
    revisionId: text('revision_id').notNull(),
    content: text('content').notNull(),
    deleted: integer('deleted').notNull().default(0),
    at: text('at').notNull(),
    receivedAt: text('received_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('entry_revisions_user_revision').on(t.userId, t.revisionId),
    index('entry_revisions_user_pk').on(t.userId, t.pk),
    index('entry_revisions_entry').on(t.entryPk),
  ],
);

/**
 * Tags and links of entries (`vlt thread tag`, `vlt thread link`), one row each: a tag (`tag`) or
 * a link to a thread by name (`targetProjectId`, `targetThreadId`, `note`; a move of that thread
 * renames it). `pk` only grows: a new note is a new row, so `threads.pull` hands it out again.
 */
export const entryMarks = sqliteTable(
  'entry_marks',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    entryPk: integer('entry_pk')
      .notNull()
      .references(() => entries.pk, { onDelete: 'cascade' }),
    tag: text('tag'),
    targetProjectId: text('target_project_id'),
    targetThreadId: text('target_thread_id'),
    note: text('note'),
    changedAt: text('changed_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('entry_marks_entry_tag').on(t.entryPk, t.tag),
    uniqueIndex('entry_marks_entry_link').on(t.entryPk, t.targetProjectId, t.targetThreadId),
    index('entry_marks_user_pk').on(t.userId, t.pk),
    index('entry_marks_user_tag').on(t.userId, t.tag),
  ],
);

/**
 * Changes to threads other than new entries, in the order they happened: a move to another project
 * (`fromProjectId` set; `projectId` is where it went) or a new status (`status` set). `threads.pull`
 * hands them to the user's other machines, whose copies of those threads change too.
 */
export const threadChanges = sqliteTable(
  'thread_changes',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    threadId: text('thread_id').notNull(),
    fromProjectId: text('from_project_id'),
    status: text('status', { enum: ['active', 'archived', 'blocked'] }),
    changedAt: text('changed_at').notNull().default(now),
  },
  (t) => [index('thread_changes_user_pk').on(t.userId, t.pk)],
);

/**
 * Login and sign-up attempts, counted against the limits before the password is checked (a correct
 * login takes its own back). In the database, so that every instance counts the same attempts.
 * `key` names what is limited: a user at an address, a user, an address.
 */
export const authAttempts = sqliteTable(
  'auth_attempts',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('auth_attempts_key_at').on(t.key, t.at), index('auth_attempts_at').on(t.at)],
);

/** Small facts of the server: `healthz`, the time of the last write probe of `GET /healthz`. */
export const serverSettings = sqliteTable('server_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/**
 * A user's markdown notes, per project, by path (`vlt notes sync`): the text, its SHA-256 (the
 * manifest compares hashes: a known hash at a new path is a move) and what parsing found.
 */
export const notes = sqliteTable(
  'notes',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    title: text('title').notNull(),
    /** JSON arrays: tags, aliases, headings ({level, text, line, slug}). */
    tags: text('tags').notNull(),
    aliases: text('aliases').notNull(),
    headings: text('headings').notNull(),
    content: text('content').notNull(),
    /** When the text last changed (a move keeps it). */
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('notes_user_project_path').on(t.userId, t.projectId, t.path),
    index('notes_user_project_hash').on(t.userId, t.projectId, t.sha256),
  ],
);

/** A note's chunks (shared/notes.ts): what the search finds and the Oracle cites. */
export const noteChunks = sqliteTable(
  'note_chunks',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    notePk: integer('note_pk')
      .notNull()
      .references(() => notes.pk, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** The note's title and aliases, as the index searches them. */
    title: text('title').notNull(),
    /** The innermost heading as written (`## Token expiry`), '' before any. */
    heading: text('heading').notNull(),
    headingText: text('heading_text').notNull(),
    startLine: integer('start_line').notNull(),
    endLine: integer('end_line').notNull(),
    content: text('content').notNull(),
  },
  (t) => [uniqueIndex('note_chunks_note_seq').on(t.notePk, t.seq), index('note_chunks_user').on(t.userId)],
);

/** The links of a note, by the key of what they name (shared/notes.ts noteKeys): backlinks. */
export const noteLinks = sqliteTable(
  'note_links',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    notePk: integer('note_pk')
      .notNull()
      .references(() => notes.pk, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    line: integer('line').notNull(),
  },
  (t) => [
    index('note_links_user_project_key').on(t.userId, t.projectId, t.key),
    index('note_links_note').on(t.notePk),
  ],
);

/**
 * A user's source files, per project, by path (`vlt code sync`): the text (checked against its
 * SHA-256 when uploaded; the manifest compares hashes: a known hash at a new path is a move) and
 * its language.
 */
export const codeFiles = sqliteTable(
  'code_files',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    language: text('language').notNull(),
    content: text('content').notNull(),
    /** When the text last changed (a move keeps it). */
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('code_files_user_project_path').on(t.userId, t.projectId, t.path),
    index('code_files_user_project_hash').on(t.userId, t.projectId, t.sha256),
  ],
);

/**
 * A file's chunks as the CLI found them (src/cli/code/chunk.ts: a definition or the lines between),
 * their text cut from the file's lines by the server, and what the index searches beside the text
 * (shared/code.ts codeIndexColumns: the name, signature and path with identifiers split, and the
 * words of the text's identifiers).
 */
export const codeChunks = sqliteTable(
  'code_chunks',
  {
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    filePk: integer('file_pk')
      .notNull()
      .references(() => codeFiles.pk, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** function, method, class, type, variable, module, lines (shared/code-names.ts CHUNK_KINDS). */
    kind: text('kind').notNull(),
    symbol: text('symbol').notNull(),
    container: text('container').notNull(),
    signature: text('signature').notNull(),
    startLine: integer('start_line').notNull(),
    endLine: integer('end_line').notNull(),
    content: text('content').notNull(),
    nameText: text('name_text').notNull(),
    signatureText: text('signature_text').notNull(),
    pathText: text('path_text').notNull(),
    words: text('words').notNull(),
  },
  (t) => [uniqueIndex('code_chunks_file_seq').on(t.filePk, t.seq), index('code_chunks_user').on(t.userId)],
);
