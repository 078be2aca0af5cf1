CREATE TABLE `entries` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`thread_pk` integer NOT NULL,
	`seq` integer NOT NULL,
	`prev_id` text,
	`content` text NOT NULL,
	`author` text NOT NULL,
	`timestamp` text NOT NULL,
	FOREIGN KEY (`thread_pk`) REFERENCES `threads`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entries_id_unique` ON `entries` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `entries_thread_seq` ON `entries` (`thread_pk`,`seq`);--> statement-breakpoint
CREATE TABLE `entry_tags` (
	`entry_pk` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`entry_pk`, `tag_id`),
	FOREIGN KEY (`entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `entry_tags_tag` ON `entry_tags` (`tag_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`entry_pk` integer PRIMARY KEY NOT NULL,
	`thread_pk` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`thread_pk`) REFERENCES `threads`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_thread` ON `outbox` (`thread_pk`,`state`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `references` (
	`id` text PRIMARY KEY NOT NULL,
	`source_entry_pk` integer NOT NULL,
	`target_thread_pk` integer NOT NULL,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`source_entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_thread_pk`) REFERENCES `threads`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `references_source_target` ON `references` (`source_entry_pk`,`target_thread_pk`);--> statement-breakpoint
CREATE INDEX `references_target` ON `references` (`target_thread_pk`);--> statement-breakpoint
CREATE TABLE `states` (
	`id` text PRIMARY KEY NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`summary` text NOT NULL,
	`head_entry_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `states_target` ON `states` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `sync_watermarks` (
	`thread_pk` integer PRIMARY KEY NOT NULL,
	`server_seq` integer DEFAULT -1 NOT NULL,
	`last_sync_at` text,
	`last_error` text,
	FOREIGN KEY (`thread_pk`) REFERENCES `threads`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_name_unique` ON `tags` (`name`);--> statement-breakpoint
CREATE TABLE `threads` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`slug` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`last_seq` integer DEFAULT -1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `threads_project_slug` ON `threads` (`project_id`,`slug`);--> statement-breakpoint
CREATE INDEX `threads_updated` ON `threads` (`updated_at`);