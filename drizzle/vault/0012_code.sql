CREATE TABLE `code_chunks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file_pk` integer NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`symbol` text NOT NULL,
	`container` text NOT NULL,
	`signature` text NOT NULL,
	`start_line` integer NOT NULL,
	`end_line` integer NOT NULL,
	`content` text NOT NULL,
	FOREIGN KEY (`file_pk`) REFERENCES `code_files`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `code_chunks_file_seq` ON `code_chunks` (`file_pk`,`seq`);--> statement-breakpoint
CREATE INDEX `code_chunks_symbol` ON `code_chunks` (`symbol`);--> statement-breakpoint
CREATE TABLE `code_files` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`path` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`file_stat` text,
	`language` text NOT NULL,
	`indexed_at` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `code_files_project_path` ON `code_files` (`project_id`,`path`);