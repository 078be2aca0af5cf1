-- Full-text index over note chunks: the note's title, the chunk's headings and its text, weighted
-- 4 : 2 : 1 by bm25 (the rank setting), with the project and the note as unindexed filter columns.
-- The statements are shared/fts5.ts createIndex(CHUNK_SHAPE)'s (a test compares them); the notes
-- module (src/cli/vault/notes.ts) writes its rows with the note's chunks.
CREATE VIRTUAL TABLE IF NOT EXISTS note_chunks_fts USING fts5(title, heading, content, project_id UNINDEXED, note_pk UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE IF NOT EXISTS note_chunks_vocab USING fts5vocab('note_chunks_fts', 'row');
--> statement-breakpoint
INSERT INTO note_chunks_fts (note_chunks_fts, rank) VALUES ('rank', 'bm25(4, 2, 1, 0, 0)');
