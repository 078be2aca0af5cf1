CREATE TABLE `auth_attempts` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `auth_attempts_key_at` ON `auth_attempts` (`key`,`at`);--> statement-breakpoint
CREATE INDEX `auth_attempts_at` ON `auth_attempts` (`at`);--> statement-breakpoint
CREATE TABLE `server_settings` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
