CREATE TABLE "flag_usage" (
	"flag_key" text NOT NULL,
	"environment" text NOT NULL,
	"last_evaluated_at" bigint NOT NULL,
	CONSTRAINT "flag_usage_flag_key_environment_pk" PRIMARY KEY("flag_key","environment")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"key" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"id_attribute" text DEFAULT 'userId' NOT NULL,
	"ids" text NOT NULL,
	"conditions" text NOT NULL,
	"version" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flag_states" ADD COLUMN "bucketing" text DEFAULT 'rollguard-v1' NOT NULL;--> statement-breakpoint
ALTER TABLE "flag_states" ADD COLUMN "prerequisites" text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "kind" text DEFAULT 'release' NOT NULL;--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "lifetime_days" integer;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "expires_at" bigint;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "previous_hash" text;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "previous_valid_until" bigint;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "rotated_at" bigint;--> statement-breakpoint
ALTER TABLE "tokens" ADD COLUMN "last_used_at" bigint;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "secret" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "previous_secret_until" bigint;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_previous_hash_unique" UNIQUE("previous_hash");