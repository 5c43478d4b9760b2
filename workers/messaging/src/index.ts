import { ServiceEntrypoint } from "../../../lib/service";
import { createMessagingApp } from "./app";

export { ChatRoom } from "../../../durable-objects/chat-room/chat-room";

const app = createMessagingApp();

/** The public HTTP entry (requests that do not come through the gateway check their own tokens). */
export default { fetch: app.fetch } satisfies ExportedHandler<MessagingEnv>;

/** The gateway's entry, and RPC for other services. */
export class MessagingService extends ServiceEntrypoint<MessagingEnv> {
  protected readonly app = app;
  protected readonly serviceName = "messaging";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }
}
