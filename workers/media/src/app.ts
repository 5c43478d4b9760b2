import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { AppError } from "../../../lib/errors";
import { smallBodiesExcept } from "./limits";
import { mediaRoutes } from "./routes/media";
import { uploadRoutes } from "./routes/uploads";

const PART_PATH = /^\/v1\/media\/uploads\/[^/]+\/parts\/[^/]+$/;

/** The two routes whose bodies are files; they stream them and check their own limits. */
function carriesFile(method: string, path: string): boolean {
  return (method === "POST" && path === "/v1/media") || (method === "PUT" && PART_PATH.test(path));
}

/** The media service's HTTP API under /v1/media: uploads, metadata, ranged content, variants. */
export function createMediaApp() {
  const app = createApp<MediaEnv>({
    service: "media",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
    // No app-wide limit: files stream (up to 100 MiB a request); everything else stays small.
    maxBodyBytes: null,
  });
  app.use(smallBodiesExcept(carriesFile));
  // "/uploads" only starts an upload; any other method there would be read as a media id ("/{id}").
  app.use("/v1/media/uploads", async (c, next) => {
    if (c.req.method !== "POST") {
      throw new AppError("method_not_allowed", "this route answers POST", { headers: { allow: "POST" } });
    }
    await next();
  });
  // Uploads first: "/uploads/{uploadId}" must not be read as a media id.
  app.route("/v1/media", uploadRoutes);
  app.route("/v1/media", mediaRoutes);
  return app;
}
