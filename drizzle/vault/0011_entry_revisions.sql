CREATE TABLE `entry_revisions` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_pk` integer NOT NULL,
	`revision_id` text NOT NULL,
	`content` text NOT NULL,
	`deleted` integer DEFAULT 0 NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entry_revisions_revision_id_unique` ON `entry_revisions` (`revision_id`);--> statement-breakpoint
CREATE INDEX `entry_revisions_entry` ON `entry_revisions` (`entry_pk`);--> statement-breakpoint
CREATE TABLE `pending_revisions` (
	`revision_pk` integer PRIMARY KEY NOT NULL,
	`last_error` text,
	`server` text,
	FOREIGN KEY (`revision_pk`) REFERENCES `entry_revisions`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `entries` ADD `revision_id` text;--> statement-breakpoint
ALTER TABLE `entries` ADD `deleted` integer DEFAULT 0 NOT NULL;