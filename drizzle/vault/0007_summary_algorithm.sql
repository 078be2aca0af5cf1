ALTER TABLE `states` ADD `algorithm` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `states` ADD `basis` text;