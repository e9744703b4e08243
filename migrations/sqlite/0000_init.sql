CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`flag_key` text,
	`environment` text,
	`before` text,
	`after` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_flag_env` ON `audit_events` (`flag_key`,`environment`,`id`);--> statement-breakpoint
CREATE TABLE `change_log` (
	`environment` text NOT NULL,
	`revision` integer NOT NULL,
	`flag_key` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	PRIMARY KEY(`environment`, `revision`)
);
--> statement-breakpoint
CREATE TABLE `environments` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `flag_states` (
	`flag_key` text NOT NULL,
	`environment` text NOT NULL,
	`enabled` integer NOT NULL,
	`percentage_milli` integer NOT NULL,
	`stickiness` text NOT NULL,
	`salt` text NOT NULL,
	`rules` text NOT NULL,
	`weights` text NOT NULL,
	`version` integer NOT NULL,
	`previous_percentage_milli` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`flag_key`, `environment`),
	FOREIGN KEY (`flag_key`) REFERENCES `flags`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`environment`) REFERENCES `environments`(`key`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `flags` (
	`key` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tags` text NOT NULL,
	`variants` text NOT NULL,
	`off_variant` text NOT NULL,
	`client_visible` integer DEFAULT false NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`environment` text,
	`hash` text NOT NULL,
	`allowed_origins` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash_unique` ON `tokens` (`hash`);