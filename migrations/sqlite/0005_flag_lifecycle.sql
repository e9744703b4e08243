CREATE TABLE `flag_usage` (
	`flag_key` text NOT NULL,
	`environment` text NOT NULL,
	`last_evaluated_at` integer NOT NULL,
	PRIMARY KEY(`flag_key`, `environment`)
);
--> statement-breakpoint
ALTER TABLE `flag_states` ADD `bucketing` text DEFAULT 'rollguard-v1' NOT NULL;--> statement-breakpoint
ALTER TABLE `flags` ADD `kind` text DEFAULT 'release' NOT NULL;--> statement-breakpoint
ALTER TABLE `flags` ADD `lifetime_days` integer;