CREATE TABLE `entry_revisions` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`entry_pk` integer NOT NULL,
	`revision_id` text NOT NULL,
	`content` text NOT NULL,
	`deleted` integer DEFAULT 0 NOT NULL,
	`at` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entry_revisions_user_revision` ON `entry_revisions` (`user_id`,`revision_id`);--> statement-breakpoint
CREATE INDEX `entry_revisions_user_pk` ON `entry_revisions` (`user_id`,`pk`);--> statement-breakpoint
CREATE INDEX `entry_revisions_entry` ON `entry_revisions` (`entry_pk`);--> statement-breakpoint
ALTER TABLE `entries` ADD `revision_id` text;--> statement-breakpoint
ALTER TABLE `entries` ADD `deleted` integer DEFAULT 0 NOT NULL;