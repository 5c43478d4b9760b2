import { relayEvents } from "../../../lib/events/outbox";
import { ServiceEntrypoint } from "../../../lib/service";
import { createSessionsApp } from "./app";
import { eventQueues } from "./deps";

export { WatchSession } from "../../../durable-objects/watch-session/watch-session";

const app = createSessionsApp();

/**
 * The public HTTP entry (requests that do not come through the gateway check their own tokens), and
 * the cron trigger that relays the events requests left in the outbox.
 */
export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await relayEvents(env.DB, eventQueues(env));
  },
} satisfies ExportedHandler<SessionsEnv>;

/** The gateway's entry, and RPC for other services. */
export class SessionsService extends ServiceEntrypoint<SessionsEnv> {
  protected readonly app = app;
  protected readonly serviceName = "sessions";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }
}
