-- Follower and following counts stay exact because SQLite maintains them in the same transaction
-- as the follow row itself; no code path can update one without the other.
CREATE TRIGGER `follows_count_insert` AFTER INSERT ON `follows` BEGIN
  UPDATE `profiles` SET `followers_count` = `followers_count` + 1 WHERE `id` = NEW.`followee_id`;
  UPDATE `profiles` SET `following_count` = `following_count` + 1 WHERE `id` = NEW.`follower_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `follows_count_delete` AFTER DELETE ON `follows` BEGIN
  UPDATE `profiles` SET `followers_count` = `followers_count` - 1 WHERE `id` = OLD.`followee_id`;
  UPDATE `profiles` SET `following_count` = `following_count` - 1 WHERE `id` = OLD.`follower_id`;
END;
