-- Full-text index over entries (bm25, snippets). The owner, project and thread are unindexed
-- columns so that scoping and filters apply inside the FTS query, never as `rowid IN (subquery)`.
CREATE VIRTUAL TABLE `entries_fts` USING fts5(
	content,
	user_id UNINDEXED,
	project_id UNINDEXED,
	thread_pk UNINDEXED,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `entries_fts_insert` AFTER INSERT ON `entries` BEGIN
	INSERT INTO `entries_fts` (rowid, content, user_id, project_id, thread_pk)
	SELECT new.pk, new.content, new.user_id, t.project_id, new.thread_pk FROM `threads` t WHERE t.pk = new.thread_pk;
END;
--> statement-breakpoint
CREATE TRIGGER `entries_fts_delete` AFTER DELETE ON `entries` BEGIN
	DELETE FROM `entries_fts` WHERE rowid = old.pk;
END;
