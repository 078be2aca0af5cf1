CREATE TABLE `note_chunks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`note_pk` integer NOT NULL,
	`seq` integer NOT NULL,
	`title` text NOT NULL,
	`heading` text NOT NULL,
	`heading_text` text NOT NULL,
	`start_line` integer NOT NULL,
	`end_line` integer NOT NULL,
	`content` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`note_pk`) REFERENCES `notes`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `note_chunks_note_seq` ON `note_chunks` (`note_pk`,`seq`);--> statement-breakpoint
CREATE INDEX `note_chunks_user` ON `note_chunks` (`user_id`);--> statement-breakpoint
CREATE TABLE `note_links` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`project_id` text NOT NULL,
	`note_pk` integer NOT NULL,
	`key` text NOT NULL,
	`line` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`note_pk`) REFERENCES `notes`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `note_links_user_project_key` ON `note_links` (`user_id`,`project_id`,`key`);--> statement-breakpoint
CREATE INDEX `note_links_note` ON `note_links` (`note_pk`);--> statement-breakpoint
CREATE TABLE `notes` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`project_id` text NOT NULL,
	`path` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`title` text NOT NULL,
	`tags` text NOT NULL,
	`aliases` text NOT NULL,
	`headings` text NOT NULL,
	`content` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notes_user_project_path` ON `notes` (`user_id`,`project_id`,`path`);--> statement-breakpoint
CREATE INDEX `notes_user_project_hash` ON `notes` (`user_id`,`project_id`,`sha256`);