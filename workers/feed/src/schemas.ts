import { z } from "@hono/zod-openapi";
import { PageQuery } from "../../../lib/pagination";

export { PostPage as FeedPage } from "../../posts/src/schemas";

export const FeedOrder = z.enum(["ranked", "latest"]);
export type FeedOrder = z.infer<typeof FeedOrder>;

/** `?limit=&cursor=&order=` of the home feed. */
export const FeedQuery = PageQuery.extend({
  order: FeedOrder.default("ranked").openapi({
    description:
      "ranked (default): recent posts with boosts for engagement and for authors you interact with; latest: newest first",
  }),
});

/** Where the next page starts: inside a ranked snapshot (by offset) or newest-first (by keyset). */
export const FeedCursor = z.discriminatedUnion("k", [
  z.strictObject({ k: z.literal("r"), s: z.string().min(1).max(40), o: z.number().int().min(1).max(100) }),
  z.strictObject({ k: z.literal("t"), at: z.number().int(), id: z.string().min(1).max(64) }),
]);
export type FeedCursor = z.infer<typeof FeedCursor>;
