import { AppError } from "../../../../lib/errors";
import type { Identity } from "../../../../lib/service";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/**
 * Parts of a resumable upload are not counted as writes: a 1 GiB file is about a hundred of them,
 * and the media service's storage quota already bounds them.
 */
const UPLOAD_PART = /^\/v1\/media\/uploads\/[^/]+\/parts\/\d+$/;
/** The period of both rate-limit bindings in wrangler.toml, for retry-after. */
const PERIOD_SECONDS = 60;

export interface RateLimitInput {
  env: GatewayEnv;
  method: string;
  path: string;
  clientIp: string;
  identity: Identity;
}

/**
 * The gateway's limits: every call to /v1/auth/* counts per client IP (sign-in guessing, sign-up
 * floods); every other write counts per signed-in user, or per IP when anonymous.
 */
export async function enforceRateLimits({
  env,
  method,
  path,
  clientIp,
  identity,
}: RateLimitInput): Promise<void> {
  if (path.startsWith("/v1/auth/")) {
    if (method === "GET" || method === "OPTIONS") return;
    const { success } = await env.AUTH_RATE_LIMIT.limit({ key: `ip:${clientIp}` });
    if (!success) throw limited("too many sign-in requests from this address");
    return;
  }
  if (!WRITE_METHODS.has(method) || (method === "PUT" && UPLOAD_PART.test(path))) return;
  const key = identity.status === "authenticated" ? `user:${identity.principal.userId}` : `ip:${clientIp}`;
  const { success } = await env.WRITE_RATE_LIMIT.limit({ key });
  if (!success) throw limited("too many changes in a short time");
}

function limited(message: string): AppError {
  return new AppError("rate_limited", `${message}; try again in a minute`, {
    headers: { "retry-after": String(PERIOD_SECONDS) },
  });
}
