ALTER TABLE `webhooks` ADD `secret` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret_until` integer;--> statement-breakpoint
-- Webhooks made before signing get a secret nobody has seen: rotate it to learn one.
UPDATE `webhooks` SET `secret` = 'rg_whsec_' || lower(hex(randomblob(32))) WHERE `secret` = '';
