import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { commentRoutes } from "./routes/comments";
import { postRoutes } from "./routes/posts";
import { timelineRoutes } from "./routes/timeline";

/** The posts service's HTTP API: posts, comments, likes, shares and user timelines. */
export function createPostsApp() {
  const app = createApp<PostsEnv>({
    service: "posts",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  app.route("/v1", postRoutes);
  app.route("/v1", commentRoutes);
  app.route("/v1", timelineRoutes);
  return app;
}
