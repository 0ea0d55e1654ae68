CREATE TABLE `archiver_job_videos` (
	`job_id` text NOT NULL,
	`video_id` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`job_id`, `video_id`),
	FOREIGN KEY (`job_id`) REFERENCES `archiver_jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`video_id`) REFERENCES `archiver_videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `archiver_job_videos_video_idx` ON `archiver_job_videos` (`video_id`);--> statement-breakpoint
CREATE TABLE `archiver_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`value` text NOT NULL,
	`limit` integer NOT NULL,
	`no_watermark` integer NOT NULL,
	`since` integer,
	`until` integer,
	`drive_folder_id` text,
	`schedule_id` text,
	`owner_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `archiver_jobs_created_idx` ON `archiver_jobs` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `archiver_jobs_schedule_idx` ON `archiver_jobs` (`schedule_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `archiver_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`value` text NOT NULL,
	`limit` integer NOT NULL,
	`no_watermark` integer NOT NULL,
	`interval_minutes` integer NOT NULL,
	`enabled` integer NOT NULL,
	`last_run_at` integer,
	`next_run_at` integer NOT NULL,
	`owner_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `archiver_schedules_due_idx` ON `archiver_schedules` (`enabled`,`next_run_at`);--> statement-breakpoint
CREATE TABLE `archiver_video_hashtags` (
	`tag` text NOT NULL,
	`video_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tag`, `created_at`, `video_id`),
	FOREIGN KEY (`video_id`) REFERENCES `archiver_videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `archiver_video_hashtags_video_idx` ON `archiver_video_hashtags` (`video_id`);--> statement-breakpoint
CREATE TABLE `archiver_videos` (
	`id` text PRIMARY KEY NOT NULL,
	`job_id` text NOT NULL,
	`mode` text NOT NULL,
	`value` text NOT NULL,
	`url` text NOT NULL,
	`desc` text,
	`author_username` text,
	`author_nickname` text,
	`views` integer,
	`likes` integer,
	`comments` integer,
	`shares` integer,
	`created_at_tiktok` integer,
	`hashtags` text DEFAULT '[]' NOT NULL,
	`music_title` text,
	`has_watermark` integer,
	`file_size` integer,
	`duration` real,
	`folder_path` text NOT NULL,
	`file_id` text,
	`metadata_file_id` text,
	`drive_file_id` text,
	`drive_metadata_file_id` text,
	`drive_video_link` text,
	`drive_metadata_link` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`error_message` text,
	`task_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `archiver_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `archiver_videos_created_idx` ON `archiver_videos` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `archiver_videos_value_idx` ON `archiver_videos` (`value`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `archiver_videos_value_mode_idx` ON `archiver_videos` (`value`,`mode`);--> statement-breakpoint
CREATE INDEX `archiver_videos_author_idx` ON `archiver_videos` (`author_username`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `archiver_videos_status_idx` ON `archiver_videos` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `archiver_videos_job_idx` ON `archiver_videos` (`job_id`);