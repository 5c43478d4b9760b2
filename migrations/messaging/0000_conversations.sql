CREATE TABLE `conversation_members` (
	`conversation_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	`activity_at` integer NOT NULL,
	`unread` integer DEFAULT 0 NOT NULL,
	`read_seq` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`conversation_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `conversation_members_user_idx` ON `conversation_members` (`user_id`,`activity_at`,`conversation_id`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`title` text,
	`creator_id` text NOT NULL,
	`direct_key` text,
	`member_count` integer NOT NULL,
	`created_at` integer NOT NULL,
	`activity_at` integer NOT NULL,
	`last_message_id` text,
	`last_message_sender_id` text,
	`last_message_preview` text,
	`last_message_at` integer,
	`last_message_seq` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_direct_key_idx` ON `conversations` (`direct_key`);