CREATE TABLE `social_video_segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`video_id` integer NOT NULL,
	`attempt` integer NOT NULL,
	`kind` text NOT NULL,
	`rendition` text,
	`sequence` integer NOT NULL,
	`name` text NOT NULL,
	`r2_key` text NOT NULL,
	`size` integer NOT NULL,
	`content_type` text NOT NULL,
	`duration_seconds` real,
	`width` integer,
	`height` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`video_id`) REFERENCES `social_videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `social_video_segments_name_unique` ON `social_video_segments` (`video_id`,`attempt`,`name`);--> statement-breakpoint
CREATE INDEX `social_video_segments_rung_idx` ON `social_video_segments` (`video_id`,`attempt`,`rendition`,`sequence`);--> statement-breakpoint
ALTER TABLE `social_videos` ADD `hls_attempt` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `social_videos` ADD `hls_ladder` text;--> statement-breakpoint
ALTER TABLE `social_videos` ADD `poster_file_id` text;