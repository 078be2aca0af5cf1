-- Columns written and never read: when the next attempt was due (the retrier keeps its own
-- backoff) and a per-thread last error (nothing set it).
ALTER TABLE `outbox` DROP COLUMN `next_attempt_at`;--> statement-breakpoint
ALTER TABLE `sync_watermarks` DROP COLUMN `last_error`;
