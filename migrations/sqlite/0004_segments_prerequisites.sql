CREATE TABLE `segments` (
	`key` text PRIMARY KEY NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`id_attribute` text DEFAULT 'userId' NOT NULL,
	`ids` text NOT NULL,
	`conditions` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `flag_states` ADD `prerequisites` text DEFAULT '[]' NOT NULL;