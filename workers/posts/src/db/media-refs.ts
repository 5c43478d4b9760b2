import type { PostsDb } from "./client";

/**
 * Drops a media from every post of its owner that shows it, keeping the others in their order.
 * Only the owner's posts can hold it (a post attaches its author's own media; shares copy none),
 * so the author index bounds the scan. Running it twice changes nothing the second time.
 * @returns how many posts changed
 */
export async function dropMediaFromPosts(db: PostsDb, ownerId: string, mediaId: string): Promise<number> {
  const result = await db.$client
    .prepare(
      `UPDATE posts
          SET media = (SELECT json_group_array(json(value)) FROM json_each(posts.media)
                        WHERE json_extract(value, '$.id') <> ?1)
        WHERE author_id = ?2
          AND EXISTS (SELECT 1 FROM json_each(posts.media) WHERE json_extract(value, '$.id') = ?1)`,
    )
    .bind(mediaId, ownerId)
    .run();
  return result.meta.changes;
}
