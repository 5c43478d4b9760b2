import type { Context } from "hono";
import { forgetRevocations } from "../../../../lib/auth/authenticator";
import { type Forwarded, forwardedRequest, SESSIONS_ENDED_HEADER } from "../../../../lib/service";
import { identify } from "../middleware/identity";
import { enforceRateLimits } from "../middleware/rate-limit";
import { type ServiceName, servicesOf } from "../services";

/** The client's address as Cloudflare's edge reports it ("unknown" when run without one). */
export function clientIpOf(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

/**
 * The auth service ended sessions (logout, a revoked session, a password change, refresh-token
 * reuse): the next request through this isolate asks KV again rather than trust a kept answer, so
 * their access tokens are refused at once here. Sign-ins and ordinary refreshes keep the answers.
 */
function sessionsEnded(c: Context<{ Bindings: GatewayEnv }>, response: Response): Response {
  forgetRevocations(c.env.REVOKED_SESSIONS);
  const shown = new Response(response.body, response);
  shown.headers.delete(SESSIONS_ENDED_HEADER);
  return shown;
}

/**
 * Hands a request to the service that owns its path over its service binding: the token checked
 * once here, limits applied, and request id, trace and caller passed along (lib/service.ts).
 */
export function forwardTo(service: ServiceName) {
  return async function forward(c: Context<{ Bindings: GatewayEnv }>): Promise<Response> {
    const clientIp = clientIpOf(c);
    const identity = await identify(c);
    await enforceRateLimits({ env: c.env, method: c.req.method, path: c.req.path, clientIp, identity });
    const forwarded: Forwarded = {
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
      clientIp,
      identity,
    };
    const response = await servicesOf(c.env)[service].fetch(forwardedRequest(c.req.raw, forwarded));
    if (service === "auth" && response.headers.has(SESSIONS_ENDED_HEADER)) return sessionsEnded(c, response);
    return response;
  };
}
