CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"flag_key" text,
	"environment" text,
	"before" text,
	"after" text,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "change_log" (
	"environment" text NOT NULL,
	"revision" integer NOT NULL,
	"flag_key" text NOT NULL,
	"kind" text NOT NULL,
	"payload" text NOT NULL,
	CONSTRAINT "change_log_environment_revision_pk" PRIMARY KEY("environment","revision")
);
--> statement-breakpoint
CREATE TABLE "environments" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flag_states" (
	"flag_key" text NOT NULL,
	"environment" text NOT NULL,
	"enabled" boolean NOT NULL,
	"percentage_milli" integer NOT NULL,
	"stickiness" text NOT NULL,
	"salt" text NOT NULL,
	"rules" text NOT NULL,
	"weights" text NOT NULL,
	"version" integer NOT NULL,
	"previous_percentage_milli" integer,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "flag_states_flag_key_environment_pk" PRIMARY KEY("flag_key","environment")
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"key" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"tags" text NOT NULL,
	"variants" text NOT NULL,
	"off_variant" text NOT NULL,
	"client_visible" boolean DEFAULT false NOT NULL,
	"archived_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guard_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"flag_key" text NOT NULL,
	"environment" text NOT NULL,
	"state" text NOT NULL,
	"evidence" text NOT NULL,
	"consumed" text NOT NULL,
	"started_at" bigint NOT NULL,
	"last_tick_at" bigint,
	"ended_at" bigint,
	"end_reason" text,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guards" (
	"flag_key" text NOT NULL,
	"environment" text NOT NULL,
	"rules" text NOT NULL,
	"version" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "guards_flag_key_environment_pk" PRIMARY KEY("flag_key","environment")
);
--> statement-breakpoint
CREATE TABLE "metric_buckets" (
	"flag_key" text NOT NULL,
	"environment" text NOT NULL,
	"arm" text NOT NULL,
	"bucket_start" bigint NOT NULL,
	"exposures" bigint NOT NULL,
	"failures" bigint NOT NULL,
	"latency" text NOT NULL,
	"custom" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "metric_buckets_flag_key_environment_arm_bucket_start_pk" PRIMARY KEY("flag_key","environment","arm","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "plan_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"at" bigint NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"stage" integer NOT NULL,
	"percentage_milli" integer,
	"actor" text NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "rollout_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"flag_key" text NOT NULL,
	"environment" text NOT NULL,
	"stages" text NOT NULL,
	"on_max_hold" text NOT NULL,
	"state" text NOT NULL,
	"current_stage" integer NOT NULL,
	"stage_started_at" bigint,
	"stage_exposure_base" bigint DEFAULT 0 NOT NULL,
	"version" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduled_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"flag_key" text NOT NULL,
	"environment" text NOT NULL,
	"run_at" bigint NOT NULL,
	"change" text NOT NULL,
	"state" text NOT NULL,
	"applied_at" bigint,
	"error" text,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"environment" text,
	"hash" text NOT NULL,
	"allowed_origins" text NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	"revoked_at" bigint,
	CONSTRAINT "tokens_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"environment" text NOT NULL,
	"url" text NOT NULL,
	"events" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flag_states" ADD CONSTRAINT "flag_states_flag_key_flags_key_fk" FOREIGN KEY ("flag_key") REFERENCES "public"."flags"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_states" ADD CONSTRAINT "flag_states_environment_environments_key_fk" FOREIGN KEY ("environment") REFERENCES "public"."environments"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_flag_env" ON "audit_events" USING btree ("flag_key","environment","id");--> statement-breakpoint
CREATE INDEX "guard_runs_flag_env" ON "guard_runs" USING btree ("flag_key","environment","id");--> statement-breakpoint
CREATE INDEX "metric_buckets_time" ON "metric_buckets" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "plan_events_plan" ON "plan_events" USING btree ("plan_id","id");--> statement-breakpoint
CREATE INDEX "rollout_plans_flag_env" ON "rollout_plans" USING btree ("flag_key","environment");--> statement-breakpoint
CREATE INDEX "scheduled_changes_due" ON "scheduled_changes" USING btree ("state","run_at");