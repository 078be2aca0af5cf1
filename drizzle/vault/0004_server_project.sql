ALTER TABLE `sync_watermarks` ADD `server_project` text;--> statement-breakpoint
-- Threads synced before this column: the server has them where they are now.
UPDATE `sync_watermarks` SET `server_project` = (SELECT `project_id` FROM `threads` WHERE `pk` = `thread_pk`);

