CREATE TABLE `social_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`story_id` integer,
	`reels_id` integer,
	`comment` text NOT NULL,
	`creator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`story_id`) REFERENCES `social_stories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reels_id`) REFERENCES `social_reels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `social_comments_story_idx` ON `social_comments` (`story_id`,`id`);--> statement-breakpoint
CREATE INDEX `social_comments_reels_idx` ON `social_comments` (`reels_id`,`id`);--> statement-breakpoint
CREATE TABLE `social_likes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`story_id` integer,
	`reels_id` integer,
	`creator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`story_id`) REFERENCES `social_stories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reels_id`) REFERENCES `social_reels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `social_likes_story_user_unique` ON `social_likes` (`story_id`,`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `social_likes_reels_user_unique` ON `social_likes` (`reels_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `social_photos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`story_id` integer,
	`file_id` text,
	`filename` text NOT NULL,
	`title` text,
	`description` text,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`status` text DEFAULT 'ready' NOT NULL,
	`error_message` text,
	`r2_prefix` text NOT NULL,
	`creator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`story_id`) REFERENCES `social_stories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `social_photos_story_idx` ON `social_photos` (`story_id`,`id`);--> statement-breakpoint
CREATE TABLE `social_reels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`video_id` integer,
	`en_title` text,
	`kk_title` text,
	`ru_title` text,
	`en_description` text,
	`kk_description` text,
	`ru_description` text,
	`preview_file_id` text,
	`likes_count` integer DEFAULT 0 NOT NULL,
	`views_count` integer DEFAULT 0 NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	`r2_prefix` text NOT NULL,
	`creator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`video_id`) REFERENCES `social_videos`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `social_reels_created_idx` ON `social_reels` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `social_reels_likes_idx` ON `social_reels` (`likes_count`,`id`);--> statement-breakpoint
CREATE INDEX `social_reels_views_idx` ON `social_reels` (`views_count`,`id`);--> statement-breakpoint
CREATE TABLE `social_stories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`video_id` integer,
	`en_title` text,
	`kk_title` text,
	`ru_title` text,
	`en_description` text,
	`kk_description` text,
	`ru_description` text,
	`preview_file_id` text,
	`r2_prefix` text NOT NULL,
	`creator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`video_id`) REFERENCES `social_videos`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `social_videos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`file_id` text,
	`filename` text NOT NULL,
	`title` text,
	`description` text,
	`en_title` text,
	`kk_title` text,
	`ru_title` text,
	`en_description` text,
	`kk_description` text,
	`ru_description` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`error_message` text,
	`r2_prefix` text NOT NULL,
	`creator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `social_videos_kind_idx` ON `social_videos` (`kind`,`id`);--> statement-breakpoint
CREATE TABLE `social_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`story_id` integer,
	`reels_id` integer,
	`creator_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`story_id`) REFERENCES `social_stories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reels_id`) REFERENCES `social_reels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `social_views_story_idx` ON `social_views` (`story_id`,`id`);--> statement-breakpoint
CREATE INDEX `social_views_reels_idx` ON `social_views` (`reels_id`,`id`);--> statement-breakpoint
CREATE INDEX `social_views_user_idx` ON `social_views` (`user_id`,`id`);