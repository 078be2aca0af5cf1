ALTER TABLE `outbox` ADD `server` text;--> statement-breakpoint
ALTER TABLE `pending_thread_changes` ADD `server` text;