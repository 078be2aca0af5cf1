CREATE TABLE `code_chunks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`file_pk` integer NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`symbol` text NOT NULL,
	`container` text NOT NULL,
	`signature` text NOT NULL,
	`start_line` integer NOT NULL,
	`end_line` integer NOT NULL,
	`content` text NOT NULL,
	`name_text` text NOT NULL,
	`signature_text` text NOT NULL,
	`path_text` text NOT NULL,
	`words` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_pk`) REFERENCES `code_files`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `code_chunks_file_seq` ON `code_chunks` (`file_pk`,`seq`);--> statement-breakpoint
CREATE INDEX `code_chunks_user` ON `code_chunks` (`user_id`);--> statement-breakpoint
CREATE TABLE `code_files` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`project_id` text NOT NULL,
	`path` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`language` text NOT NULL,
	`content` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `code_files_user_project_path` ON `code_files` (`user_id`,`project_id`,`path`);--> statement-breakpoint
CREATE INDEX `code_files_user_project_hash` ON `code_files` (`user_id`,`project_id`,`sha256`);--> statement-breakpoint
ALTER TABLE `projects` ADD `code_url` text;