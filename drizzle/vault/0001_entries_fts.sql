-- Full-text index over entry content (bm25 ranking, snippets). It keeps its own copy of the
-- content and carries project_id and thread_pk as unindexed columns, so filters apply inside
-- the FTS query and never as `rowid IN (subquery)`.
CREATE VIRTUAL TABLE `entries_fts` USING fts5(
	content,
	project_id UNINDEXED,
	thread_pk UNINDEXED,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `entries_fts_insert` AFTER INSERT ON `entries` BEGIN
	INSERT INTO `entries_fts` (rowid, content, project_id, thread_pk)
	SELECT new.pk, new.content, t.project_id, new.thread_pk FROM `threads` t WHERE t.pk = new.thread_pk;
END;
--> statement-breakpoint
CREATE TRIGGER `entries_fts_update` AFTER UPDATE OF content, thread_pk ON `entries` BEGIN
	DELETE FROM `entries_fts` WHERE rowid = old.pk;
	INSERT INTO `entries_fts` (rowid, content, project_id, thread_pk)
	SELECT new.pk, new.content, t.project_id, new.thread_pk FROM `threads` t WHERE t.pk = new.thread_pk;
END;
--> statement-breakpoint
CREATE TRIGGER `entries_fts_delete` AFTER DELETE ON `entries` BEGIN
	DELETE FROM `entries_fts` WHERE rowid = old.pk;
END;
--> statement-breakpoint
CREATE TRIGGER `threads_fts_move` AFTER UPDATE OF project_id ON `threads` BEGIN
	UPDATE `entries_fts` SET project_id = new.project_id
	WHERE rowid IN (SELECT pk FROM `entries` WHERE thread_pk = new.pk);
END;
