ALTER TABLE `file_names` RENAME COLUMN "family" TO "namespace";--> statement-breakpoint
ALTER TABLE `tasks` RENAME COLUMN "family" TO "face";--> statement-breakpoint
DROP INDEX `file_names_family_name_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `file_names_namespace_name_unique` ON `file_names` (`namespace`,`public_name`);