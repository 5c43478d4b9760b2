import { cors } from "hono/cors";
import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { forwardTo } from "./routes/proxy";
import { ROUTES } from "./services";

/**
 * How long the gateway's isolate keeps a "not revoked" answer from KV (per session, or for every
 * session from one listing when the isolate is busy: docs/decisions.md, 2): a KV read on every
 * request cost about half a millisecond of CPU (bench/social). A request through this isolate that
 * ends sessions forgets the answers at once (routes/proxy.ts); other isolates see it within this.
 */
const REVOCATION_CACHE_MS = 5_000;

/** The allowlist in CORS_ORIGINS: comma-separated origins, or "*" for any (never with credentials). */
function allowedOrigins(setting: string): (origin: string) => string | null {
  const origins = new Set(
    setting
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  );
  return (origin) => (origins.has("*") || origins.has(origin) ? origin : null);
}

/**
 * The public entry of Plaza: CORS, request ids and trace context, one token check, rate limits,
 * and routing to the services; plus health, the merged OpenAPI document and the reference page.
 */
export function createGatewayApp() {
  const app = createApp<GatewayEnv>({
    service: "gateway",
    authenticator: (env) =>
      remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS, { revocationCacheMs: REVOCATION_CACHE_MS }),
    maxBodyBytes: null,
  });
  app.use(
    cors({
      origin: (origin, c) => allowedOrigins(c.env.CORS_ORIGINS)(origin),
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: [
        "authorization",
        "content-type",
        "x-request-id",
        "traceparent",
        "range",
        "if-none-match",
      ],
      exposeHeaders: [
        "x-request-id",
        "retry-after",
        "content-range",
        "etag",
        "accept-ranges",
        "content-length",
      ],
      maxAge: 600,
    }),
  );
  app.route("/", healthRoutes);
  app.route(
    "/",
    docsRoutes(() => {
      const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "gateway", version: "1" } });
      return JSON.parse(JSON.stringify(doc));
    }),
  );
  for (const { path, service } of ROUTES) app.all(path, forwardTo(service));
  return app;
}
