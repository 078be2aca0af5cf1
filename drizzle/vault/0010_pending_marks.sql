CREATE TABLE `pending_marks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_pk` integer NOT NULL,
	`tag` text,
	`target_thread_pk` integer,
	`note` text,
	`at` text,
	`last_error` text,
	`server` text,
	FOREIGN KEY (`entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_thread_pk`) REFERENCES `threads`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pending_marks_entry` ON `pending_marks` (`entry_pk`);