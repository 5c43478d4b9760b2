CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text,
	`host_id` text NOT NULL,
	`mode` text NOT NULL,
	`invite_code` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`end_reason` text,
	`duration_ms` integer,
	`peak_members` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `calls_host_idx` ON `calls` (`host_id`,`created_at`);