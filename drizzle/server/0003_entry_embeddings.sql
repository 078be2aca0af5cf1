CREATE TABLE `entry_embeddings` (
	`entry_pk` integer NOT NULL,
	`user_id` text NOT NULL,
	`model` text NOT NULL,
	`vector` blob NOT NULL,
	PRIMARY KEY(`entry_pk`, `model`),
	FOREIGN KEY (`entry_pk`) REFERENCES `entries`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `entry_embeddings_user_model` ON `entry_embeddings` (`user_id`,`model`);