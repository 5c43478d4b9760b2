import { consumeEvents } from "../../../lib/events/consume";
import { ServiceEntrypoint } from "../../../lib/service";
import { createFeedApp } from "./app";
import { feedDeps } from "./deps";
import { handleFeedEvents } from "./events";

export { Timeline } from "../../../durable-objects/timeline/timeline";

const app = createFeedApp();

/**
 * Domain events from plaza-feed-events: each one validated, applied to the timelines it concerns;
 * the new posts of a batch are fanned out together (one call per follower's timeline).
 */
async function queue(batch: MessageBatch<unknown>, env: FeedEnv): Promise<void> {
  await consumeEvents(batch, {
    consumer: "feed",
    deadLetters: env.DEAD_LETTERS,
    handleBatch: (events) => handleFeedEvents(feedDeps(env), events),
  });
}

/** The public HTTP entry (requests that do not come through the gateway check their own tokens). */
export default { fetch: app.fetch, queue } satisfies ExportedHandler<FeedEnv>;

/** The gateway's entry, and RPC for other services. */
export class FeedService extends ServiceEntrypoint<FeedEnv> {
  protected readonly app = app;
  protected readonly serviceName = "feed";
}
