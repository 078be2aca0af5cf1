CREATE TABLE `entry_marks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`entry_pk` integer NOT NULL,
	`tag` text,
	`target_project_id` text,
	`target_thread_id` text,
	`note` text,
	`changed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entry_marks_entry_tag` ON `entry_marks` (`entry_pk`,`tag`);--> statement-breakpoint
CREATE UNIQUE INDEX `entry_marks_entry_link` ON `entry_marks` (`entry_pk`,`target_project_id`,`target_thread_id`);--> statement-breakpoint
CREATE INDEX `entry_marks_user_pk` ON `entry_marks` (`user_id`,`pk`);--> statement-breakpoint
CREATE INDEX `entry_marks_user_tag` ON `entry_marks` (`user_id`,`tag`);