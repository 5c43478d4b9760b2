import { ServiceEntrypoint } from "../../../lib/service";
import { createSessionsApp } from "./app";

export { WatchSession } from "../../../durable-objects/watch-session/watch-session";

const app = createSessionsApp();

/** The public HTTP entry (requests that do not come through the gateway check their own tokens). */
export default { fetch: app.fetch } satisfies ExportedHandler<SessionsEnv>;

/** The gateway's entry, and RPC for other services. */
export class SessionsService extends ServiceEntrypoint<SessionsEnv> {
  protected readonly app = app;
  protected readonly serviceName = "sessions";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }
}
