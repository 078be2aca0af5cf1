CREATE TABLE `thread_changes` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`project_id` text NOT NULL,
	`thread_id` text NOT NULL,
	`from_project_id` text,
	`status` text,
	`changed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `thread_changes_user_pk` ON `thread_changes` (`user_id`,`pk`);--> statement-breakpoint
-- A moved thread's entries carry their new project in the full-text index (a filter column there).
CREATE TRIGGER `threads_fts_move` AFTER UPDATE OF project_id ON `threads` BEGIN
	UPDATE `entries_fts` SET project_id = new.project_id
	WHERE rowid IN (SELECT pk FROM `entries` WHERE thread_pk = new.pk);
END;
