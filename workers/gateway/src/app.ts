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

/** The allowlists of CORS_ORIGINS settings seen, parsed once per isolate (not per request). */
const allowlists = new Map<string, Set<string>>();

/**
 * The origin to allow for a request: CORS_ORIGINS is comma-separated origins, or "*" for any (never
 * with credentials); null for an origin it does not list.
 */
function allowedOrigin(setting: string, origin: string): string | null {
  let origins = allowlists.get(setting);
  if (!origins) {
    origins = new Set(
      setting
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    );
    allowlists.set(setting, origins);
  }
  return origins.has("*") || origins.has(origin) ? origin : null;
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
      origin: (origin, c) => allowedOrigin(c.env.CORS_ORIGINS, origin),
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
