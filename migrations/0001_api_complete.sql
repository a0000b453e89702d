CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `endpoint`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_expires_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`render_id` text NOT NULL,
	`account_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`url` text NOT NULL,
	`event` text NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_render_idx` ON `webhook_attempts` (`render_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `webhook_secret` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `expected_sha256` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `upload_expires_at` integer;--> statement-breakpoint
ALTER TABLE `renders` ADD `thumbnail_key` text;