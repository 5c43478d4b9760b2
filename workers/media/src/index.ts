import { parseRpcArgument as parse, ServiceEntrypoint } from "../../../lib/service";
import { createMediaApp } from "./app";
import { sweepExpiredUploads } from "./cleanup";
import { mediaDeps } from "./deps";
import { ownedMedia } from "./media";
import { type OwnedMedia, OwnedMediaRequest } from "./schemas";

const app = createMediaApp();

/** The public HTTP entry (requests that do not come through the gateway check their own tokens). */
export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await sweepExpiredUploads(mediaDeps(env));
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
