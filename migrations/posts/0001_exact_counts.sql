-- Like, comment and share counts change in the same transaction as the rows they count, so they
-- stay exact under any concurrency.
CREATE TRIGGER `likes_count_insert` AFTER INSERT ON `likes` BEGIN
  UPDATE `posts` SET `like_count` = `like_count` + 1 WHERE `id` = NEW.`post_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `likes_count_delete` AFTER DELETE ON `likes` BEGIN
  UPDATE `posts` SET `like_count` = `like_count` - 1 WHERE `id` = OLD.`post_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `comments_count_insert` AFTER INSERT ON `comments` BEGIN
  UPDATE `posts` SET `comment_count` = `comment_count` + 1 WHERE `id` = NEW.`post_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `comments_count_delete` AFTER DELETE ON `comments` BEGIN
  UPDATE `posts` SET `comment_count` = `comment_count` - 1 WHERE `id` = OLD.`post_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `shares_count_insert` AFTER INSERT ON `posts` WHEN NEW.`shared_post_id` IS NOT NULL BEGIN
  UPDATE `posts` SET `share_count` = `share_count` + 1 WHERE `id` = NEW.`shared_post_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `shares_count_delete` AFTER DELETE ON `posts` WHEN OLD.`shared_post_id` IS NOT NULL BEGIN
  UPDATE `posts` SET `share_count` = `share_count` - 1 WHERE `id` = OLD.`shared_post_id`;
END;
--> statement-breakpoint
-- A deleted post takes its comments and likes with it.
CREATE TRIGGER `posts_cascade_delete` AFTER DELETE ON `posts` BEGIN
  DELETE FROM `comments` WHERE `post_id` = OLD.`id`;
  DELETE FROM `likes` WHERE `post_id` = OLD.`id`;
END;
