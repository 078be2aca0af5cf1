// The server's tables on PostgreSQL (drizzle pg-core): the same tables, columns and constraints as
// schema.ts (SQLite), so that the services read and write the same values on either engine. Times
// are ISO-8601 UTC strings as on SQLite (they sort as times). Full-text search is a generated
// tsvector column with a GIN index.
import { sql } from 'drizzle-orm';
import { customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const now = sql`(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  createdAt: text('created_at').notNull().default(now),
});

export const sessions = pgTable(
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

export const apiTokens = pgTable(
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

export const projects = pgTable(
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

export const threads = pgTable(
  'threads',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    threadId: text('thread_id').notNull(),
    status: text('status', { enum: ['active', 'archived', 'blocked'] })
      .notNull()
      .default('active'),
    createdAt: text('created_at').notNull(),
    lastActivityAt: text('last_activity_at').notNull(),
    /** The entries one can read (not the deleted ones, whose numbers stay taken). */
    entryCount: integer('entry_count').notNull().default(0),
    lastSyncedSequence: integer('last_synced_sequence').notNull().default(-1),
    lastSyncAt: text('last_sync_at'),
    syncError: text('sync_error'),
  },
  (t) => [
    uniqueIndex('threads_user_project_thread').on(t.userId, t.projectId, t.threadId),
    index('threads_user_activity').on(t.userId, t.lastActivityAt, t.pk),
  ],
);

export const entries = pgTable(
  'entries',
  {
    // Also the change cursor of `threads.pull`: it only grows (an identity, never reused).
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
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
    /**
     * English stemming, like FTS5's porter tokenizer on SQLite, each lexeme tagged with its user
     * (vlt_user_tag: 12 hex characters): a user's query enumerates that user's lexemes only, so it
     * costs what the user's own entries cost (migration 0003_per_user_search).
     */
    contentTsv: tsvector('content_tsv')
      .notNull()
      .generatedAlwaysAs(sql`vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', content))`),
  },
  (t) => [
    uniqueIndex('entries_user_entry').on(t.userId, t.entryId),
    uniqueIndex('entries_thread_sequence').on(t.threadPk, t.sequenceId),
    index('entries_user_pk').on(t.userId, t.pk),
    index('entries_content_tsv').using('gin', t.contentTsv),
  ],
);

export const entryEmbeddings = pgTable(
  'entry_embeddings',
  {
    entryPk: integer('entry_pk')
      .notNull()
      .references(() => entries.pk, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    model: text('model').notNull(),
    vector: bytea('vector').notNull(),
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
export const entryRevisions = pgTable(
  'entry_revisions',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
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
export const entryMarks = pgTable(
  'entry_marks',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
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
export const threadChanges = pgTable(
  'thread_changes',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
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
 * Settings every instance shares: `secret`, the key that session and token digests are made with,
 * made by the first instance to start (unless VLT_SERVER_SECRET gives it).
 */
export const serverSettings = pgTable('server_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Login and sign-up attempts, counted against the limits before the password is checked (a correct
 * login takes its own back). In the database, so that every instance counts the same attempts.
 * `key` names what is limited: a user at an address, a user, an address.
 */
export const authAttempts = pgTable(
  'auth_attempts',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('auth_attempts_key_at').on(t.key, t.at), index('auth_attempts_at').on(t.at)],
);

export const notes = pgTable(
  'notes',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    title: text('title').notNull(),
    tags: text('tags').notNull(),
    aliases: text('aliases').notNull(),
    headings: text('headings').notNull(),
    content: text('content').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('notes_user_project_path').on(t.userId, t.projectId, t.path),
    index('notes_user_project_hash').on(t.userId, t.projectId, t.sha256),
  ],
);

export const noteChunks = pgTable(
  'note_chunks',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    notePk: integer('note_pk')
      .notNull()
      .references(() => notes.pk, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    heading: text('heading').notNull(),
    headingText: text('heading_text').notNull(),
    startLine: integer('start_line').notNull(),
    endLine: integer('end_line').notNull(),
    content: text('content').notNull(),
    /**
     * As entries' content_tsv, tagged with the user; the title weighs A, the headings B, the text
     * D (ts_rank's weights 1, 0.4, 0.1), as FTS5's bm25 weighs them 4 : 2 : 1 on SQLite.
     */
    searchTsv: tsvector('search_tsv')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', title)), 'A') || setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', heading_text)), 'B') || vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', content))`,
      ),
  },
  (t) => [
    uniqueIndex('note_chunks_note_seq').on(t.notePk, t.seq),
    index('note_chunks_user').on(t.userId),
    index('note_chunks_search_tsv').using('gin', t.searchTsv),
  ],
);

export const noteLinks = pgTable(
  'note_links',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
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
export const codeFiles = pgTable(
  'code_files',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
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
export const codeChunks = pgTable(
  'code_chunks',
  {
    pk: integer('pk').primaryKey().generatedAlwaysAsIdentity(),
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
    /**
     * As note_chunks' search_tsv, tagged with the user: the name weighs A, the signature B, the
     * path C, the text and its identifiers' words D (ts_rank's 1, 0.4, 0.2, 0.1), as FTS5's
     * bm25 weighs them 6 : 3 : 2 : 1 on SQLite (shared/fts5.ts CODE_SHAPE). Punctuation is made
     * spaces first, as FTS5's unicode61 splits: PostgreSQL's parser would keep `src/cli/sync.ts`
     * and `res.send` whole, as a file and a host name.
     */
    searchTsv: tsvector('search_tsv')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(name_text, '[^[:alnum:]]+', ' ', 'g'))), 'A') || setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(signature_text, '[^[:alnum:]]+', ' ', 'g'))), 'B') || setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(path_text, '[^[:alnum:]]+', ' ', 'g'))), 'C') || vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(content || ' ' || words, '[^[:alnum:]]+', ' ', 'g')))`,
      ),
  },
  (t) => [
    uniqueIndex('code_chunks_file_seq').on(t.filePk, t.seq),
    index('code_chunks_user').on(t.userId),
    index('code_chunks_search_tsv').using('gin', t.searchTsv),
  ],
);
