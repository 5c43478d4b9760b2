CREATE TABLE `applied_events` (
	`event_id` text NOT NULL,
	`user_id` text NOT NULL,
	`notification_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`event_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `contacts` (
	`user_id` text PRIMARY KEY NOT NULL,
	`phone` text,
	`digested_until` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`event_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel` text NOT NULL,
	`target` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`event_id`, `user_id`, `channel`, `target`)
);
--> statement-breakpoint
CREATE INDEX `deliveries_updated_idx` ON `deliveries` (`updated_at`);--> statement-breakpoint
CREATE TABLE `expo_tickets` (
	`ticket_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `expo_tickets_created_idx` ON `expo_tickets` (`created_at`);--> statement-breakpoint
CREATE TABLE `expo_tokens` (
	`token` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `expo_tokens_user_idx` ON `expo_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `notification_actors` (
	`notification_id` text NOT NULL,
	`actor_id` text NOT NULL,
	PRIMARY KEY(`notification_id`, `actor_id`)
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`group_key` text,
	`actor_id` text,
	`actor_count` integer DEFAULT 1 NOT NULL,
	`subject` text NOT NULL,
	`read_at` integer,
	`updated_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_open_group_idx` ON `notifications` (`user_id`,`group_key`) WHERE read_at IS NULL AND group_key IS NOT NULL;--> statement-breakpoint
CREATE TABLE `preferences` (
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`channel` text NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`user_id`, `type`, `channel`)
);
--> statement-breakpoint
CREATE TABLE `push_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`p256dh` text NOT NULL,
	`auth` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_subscriptions_endpoint_idx` ON `push_subscriptions` (`endpoint`);--> statement-breakpoint
CREATE INDEX `push_subscriptions_user_idx` ON `push_subscriptions` (`user_id`);