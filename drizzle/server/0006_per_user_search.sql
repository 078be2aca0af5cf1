-- Full-text search scoped by user: each user's entries get an FTS5 index of their own
-- (entries_fts_<user>, made by the server when the user first has entries, and for every existing
-- user at the first start after this migration). A user's query walks that user's index only: it
-- costs what the user's own entries cost, and bm25's statistics are the user's own.
DROP TRIGGER IF EXISTS `threads_fts_move`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `entries_fts_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `entries_fts_delete`;
--> statement-breakpoint
DROP TABLE IF EXISTS `entries_vocab`;
--> statement-breakpoint
DROP TABLE IF EXISTS `entries_fts`;
