-- Full-text index over code chunks: the symbol (with its container), the signature, the file's
-- path, the text and its identifiers' words, weighted 6 : 3 : 2 : 1 : 1 by bm25, with the project
-- and the file as unindexed filter columns. The statements are shared/fts5.ts createIndex(CODE_SHAPE)'s.
CREATE VIRTUAL TABLE IF NOT EXISTS code_chunks_fts USING fts5(symbol, signature, path, content, words, project_id UNINDEXED, file_pk UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE IF NOT EXISTS code_chunks_vocab USING fts5vocab('code_chunks_fts', 'row');
--> statement-breakpoint
INSERT INTO code_chunks_fts (code_chunks_fts, rank) VALUES ('rank', 'bm25(6, 3, 2, 1, 1, 0, 0)');
