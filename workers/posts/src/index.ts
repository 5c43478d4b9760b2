import { z } from "zod";
import { MAX_IN_LIST } from "../../../lib/db";
import { consumeEvents } from "../../../lib/events/consume";
import { relayEvents } from "../../../lib/events/outbox";
import { KeysetCursor } from "../../../lib/pagination";
import { parseRpcArgument as parse, ServiceEntrypoint } from "../../../lib/service";
import { createPostsApp } from "./app";
import { postsDb } from "./db/client";
import { findEngagement, findPosts, pagePostsByAuthors } from "./db/posts";
import { eventQueues, postsDeps } from "./deps";
import { handlePostsEvent } from "./events";
import { hydratePosts } from "./hydrate";
import type { Post, PostEngagement } from "./schemas";

const app = createPostsApp();

/**
 * The public HTTP entry (requests that do not come through the gateway check their own tokens), the
 * cron trigger that relays the events requests left in the outbox, and the consumer of
 * plaza-posts-events (other services' events that change posts: a deleted media).
 */
export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await relayEvents(env.DB, eventQueues(env));
  },
  async queue(batch, env) {
    await consumeEvents(batch, {
      consumer: "posts",
      deadLetters: env.DEAD_LETTERS,
      handle: (event) => handlePostsEvent({ db: postsDb(env.DB) }, event),
    });
  },
} satisfies ExportedHandler<PostsEnv>;

const Id = z.string().min(1).max(64);

/** RPC arguments, built once: constructing a zod schema costs more than checking a call's arguments. */
const GetPostsInput = z.strictObject({ ids: z.array(Id).max(100), viewerId: Id.nullable() });
const EngagementInput = z.strictObject({ ids: z.array(Id).max(100) });
const RecentPostsInput = z.strictObject({
  authorIds: z.array(Id).max(MAX_IN_LIST),
  limit: z.number().int().min(1).max(200),
  before: KeysetCursor.optional(),
});

/** RPC for the gateway and the feed service. */
export class PostsService extends ServiceEntrypoint<PostsEnv> {
  protected readonly app = app;
  protected readonly serviceName = "posts";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }

  /** Up to 100 posts by id, hydrated for the viewer, in the order asked; deleted ones are left out. */
  async getPosts(input: { ids: string[]; viewerId: string | null }): Promise<Post[]> {
    const { ids, viewerId } = parse(GetPostsInput, input);
    const deps = postsDeps(this.env);
    const rows = await findPosts(deps.db, ids, viewerId);
    const order = new Map(ids.map((id, index) => [id, index]));
    rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return hydratePosts(deps, rows, viewerId);
  }

  /**
   * What ranking needs of up to 100 posts (counts, author, time, a share's original's), in the
   * order asked; deleted ones are left out. Much lighter than getPosts: no text, media or authors.
   */
  async engagementOf(input: { ids: string[] }): Promise<PostEngagement[]> {
    const { ids } = parse(EngagementInput, input);
    const rows = await findEngagement(postsDeps(this.env).db, ids);
    const order = new Map(ids.map((id, index) => [id, index]));
    return rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  /**
   * The newest post ids of some authors (feed backfill and merge-at-read), as {id, authorId,
   * createdAt}. At most MAX_IN_LIST (90) authors: with the viewer, the position and the limit, one
   * D1 statement stays under D1's 100 bound parameters.
   */
  async recentPostsOf(input: { authorIds: string[]; limit: number; before?: { at: number; id: string } }) {
    const { authorIds, limit, before } = parse(RecentPostsInput, input);
    const rows = await pagePostsByAuthors(postsDeps(this.env).db, authorIds, limit, before ?? null, null);
    return rows.map((row) => ({
      id: row.id,
      authorId: row.authorId,
      createdAt: row.createdAt,
      sharedPostId: row.sharedPostId,
    }));
  }
}
