CREATE TABLE `pending_thread_changes` (
	`thread_pk` integer PRIMARY KEY NOT NULL,
	`from_project` text,
	`status_changed` integer DEFAULT false NOT NULL,
	`last_error` text,
	FOREIGN KEY (`thread_pk`) REFERENCES `threads`(`pk`) ON UPDATE no action ON DELETE no action
);
