import { relayEvents } from "../../../lib/events/outbox";
import { parseRpcArgument as parse, ServiceEntrypoint } from "../../../lib/service";
import { createMediaApp } from "./app";
import { SWEEP_CRON, sweepExpiredUploads } from "./cleanup";
import { eventQueues, mediaDeps } from "./deps";
import { ownedMedia } from "./media";
import { type OwnedMedia, OwnedMediaRequest } from "./schemas";

const app = createMediaApp();

/**
 * The public HTTP entry (requests that do not come through the gateway check their own tokens),
 * and two cron triggers: every minute the outbox relay re-sends the events requests left behind,
 * every hour abandoned uploads are swept.
 */
export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    if (controller.cron === SWEEP_CRON) await sweepExpiredUploads(mediaDeps(env));
    else await relayEvents(env.DB, eventQueues(env));
  },
} satisfies ExportedHandler<MediaEnv>;

/** The gateway's entry, and RPC for the other services. Every argument is validated like a body. */
export class MediaService extends ServiceEntrypoint<MediaEnv> {
  protected readonly app = app;
  protected readonly serviceName = "media";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }

  /** For the posts service: the caller's own, fully uploaded media among `ids` (up to 100), in order. */
  async ownedMedia(request: OwnedMediaRequest): Promise<OwnedMedia[]> {
    const { ownerId, ids } = parse(OwnedMediaRequest, request);
    return ownedMedia(mediaDeps(this.env), ownerId, ids);
  }
}
