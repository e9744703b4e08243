CREATE TABLE `guard_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`flag_key` text NOT NULL,
	`environment` text NOT NULL,
	`state` text NOT NULL,
	`evidence` text NOT NULL,
	`consumed` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_tick_at` integer,
	`ended_at` integer,
	`end_reason` text,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `guard_runs_flag_env` ON `guard_runs` (`flag_key`,`environment`,`id`);--> statement-breakpoint
CREATE TABLE `guards` (
	`flag_key` text NOT NULL,
	`environment` text NOT NULL,
	`rules` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`flag_key`, `environment`)
);
--> statement-breakpoint
CREATE TABLE `metric_buckets` (
	`flag_key` text NOT NULL,
	`environment` text NOT NULL,
	`arm` text NOT NULL,
	`bucket_start` integer NOT NULL,
	`exposures` integer NOT NULL,
	`failures` integer NOT NULL,
	`latency` text NOT NULL,
	`custom` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`flag_key`, `environment`, `arm`, `bucket_start`)
);
--> statement-breakpoint
CREATE INDEX `metric_buckets_time` ON `metric_buckets` (`bucket_start`);--> statement-breakpoint
CREATE TABLE `plan_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`at` integer NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`stage` integer NOT NULL,
	`percentage_milli` integer,
	`actor` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `plan_events_plan` ON `plan_events` (`plan_id`,`id`);--> statement-breakpoint
CREATE TABLE `rollout_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`flag_key` text NOT NULL,
	`environment` text NOT NULL,
	`stages` text NOT NULL,
	`on_max_hold` text NOT NULL,
	`state` text NOT NULL,
	`current_stage` integer NOT NULL,
	`stage_started_at` integer,
	`stage_exposure_base` integer DEFAULT 0 NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rollout_plans_flag_env` ON `rollout_plans` (`flag_key`,`environment`);--> statement-breakpoint
CREATE TABLE `scheduled_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`flag_key` text NOT NULL,
	`environment` text NOT NULL,
	`run_at` integer NOT NULL,
	`change` text NOT NULL,
	`state` text NOT NULL,
	`applied_at` integer,
	`error` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `scheduled_changes_due` ON `scheduled_changes` (`state`,`run_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`environment` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`created_at` integer NOT NULL
);
