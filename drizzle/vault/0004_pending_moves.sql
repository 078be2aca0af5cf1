CREATE TABLE `pending_moves` (
	`thread_pk` integer PRIMARY KEY NOT NULL,
	`from_project` text NOT NULL,
	`last_error` text,
	FOREIGN KEY (`thread_pk`) REFERENCES `threads`(`pk`) ON UPDATE no action ON DELETE no action
);
