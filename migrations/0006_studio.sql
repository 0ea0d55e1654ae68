CREATE TABLE `studio_daily_stats` (
	`day` text PRIMARY KEY NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`downloads` integer DEFAULT 0 NOT NULL,
	`cache_hits` integer DEFAULT 0 NOT NULL,
	`scripts` integer DEFAULT 0 NOT NULL,
	`edits` integer DEFAULT 0 NOT NULL,
	`compressions` integer DEFAULT 0 NOT NULL,
	`processes` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`processing_ms_total` integer DEFAULT 0 NOT NULL,
	`processing_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `studio_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`day` text NOT NULL,
	`kind` text NOT NULL,
	`url` text,
	`ok` integer NOT NULL,
	`cache_hit` integer,
	`duration_ms` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `studio_events_day_idx` ON `studio_events` (`day`);--> statement-breakpoint
CREATE TABLE `studio_queue_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`priority` integer NOT NULL,
	`max_retries` integer NOT NULL,
	`owner_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `studio_queue_jobs_created_idx` ON `studio_queue_jobs` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `studio_url_counts` (
	`url` text PRIMARY KEY NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`last_requested_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `studio_url_counts_top_idx` ON `studio_url_counts` (`requests`,`url`);--> statement-breakpoint
CREATE TABLE `studio_webhook_deliveries` (
	`source` text NOT NULL,
	`delivery_key` text NOT NULL,
	`task_id` text,
	`reply_to` text,
	`url` text,
	`ack_claimed_at` integer,
	`result_claimed_at` integer,
	`result_sent_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`source`, `delivery_key`)
);
--> statement-breakpoint
CREATE INDEX `studio_webhook_deliveries_task_idx` ON `studio_webhook_deliveries` (`task_id`);