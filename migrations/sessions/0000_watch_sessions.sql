CREATE TABLE `session_members` (
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `session_members_user_idx` ON `session_members` (`user_id`,`session_id`);--> statement-breakpoint
CREATE TABLE `watch_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`host_id` text NOT NULL,
	`media_url` text NOT NULL,
	`visibility` text NOT NULL,
	`invite_code` text NOT NULL,
	`status` text NOT NULL,
	`participant_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `watch_sessions_live_idx` ON `watch_sessions` (`status`,`visibility`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `watch_sessions_host_idx` ON `watch_sessions` (`host_id`,`created_at`);