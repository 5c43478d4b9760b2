import { relayEvents } from "../../../lib/events/outbox";
import { ServiceEntrypoint } from "../../../lib/service";
import { createCallsApp } from "./app";
import { eventQueues } from "./deps";

export { CallRoom } from "../../../durable-objects/call-room/call-room";

const app = createCallsApp();

/**
 * The public HTTP entry (requests that do not come through the gateway check their own tokens), and
 * the cron trigger that relays the events requests left in the outbox.
 */
export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await relayEvents(env.DB, eventQueues(env));
  },
} satisfies ExportedHandler<CallsEnv>;

/** The gateway's entry, and RPC for other services. */
export class CallsService extends ServiceEntrypoint<CallsEnv> {
  protected readonly app = app;
  protected readonly serviceName = "calls";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }
}
