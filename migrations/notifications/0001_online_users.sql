CREATE TABLE `online_users` (
	`user_id` text PRIMARY KEY NOT NULL,
	`since` integer NOT NULL
);
