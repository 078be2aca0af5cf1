CREATE TABLE `note_chunks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`note_pk` integer NOT NULL,
	`seq` integer NOT NULL,
	`heading` text NOT NULL,
	`heading_text` text NOT NULL,
	`start_line` integer NOT NULL,
	`end_line` integer NOT NULL,
	`content` text NOT NULL,
	FOREIGN KEY (`note_pk`) REFERENCES `notes`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `note_chunks_note_seq` ON `note_chunks` (`note_pk`,`seq`);--> statement-breakpoint
CREATE TABLE `note_links` (
	`note_pk` integer NOT NULL,
	`key` text NOT NULL,
	`line` integer NOT NULL,
	FOREIGN KEY (`note_pk`) REFERENCES `notes`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `note_links_note` ON `note_links` (`note_pk`);--> statement-breakpoint
CREATE INDEX `note_links_key` ON `note_links` (`key`);--> statement-breakpoint
CREATE TABLE `notes` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`path` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`file_stat` text,
	`title` text NOT NULL,
	`tags` text NOT NULL,
	`aliases` text NOT NULL,
	`content` text NOT NULL,
	`indexed_at` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notes_project_path` ON `notes` (`project_id`,`path`);--> statement-breakpoint
CREATE INDEX `notes_project_hash` ON `notes` (`project_id`,`sha256`);