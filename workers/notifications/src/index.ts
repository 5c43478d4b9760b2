import { ServiceEntrypoint } from "../../../lib/service";
import { createNotificationsApp } from "./app";

export { UserChannel } from "../../../durable-objects/user-channel/user-channel";

const app = createNotificationsApp();

/** The public HTTP entry (requests that do not come through the gateway check their own tokens). */
export default { fetch: app.fetch } satisfies ExportedHandler<NotificationsEnv>;

/** The gateway's entry, and RPC for other services. */
export class NotificationsService extends ServiceEntrypoint<NotificationsEnv> {
  protected readonly app = app;
  protected readonly serviceName = "notifications";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }
}
