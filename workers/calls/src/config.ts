import { z } from "zod";
import { AppError } from "../../../lib/errors";

/** The secrets the calls Worker reads when they are set (see wrangler.toml); none is required. */
interface CallSecrets {
  TURN_SHARED_SECRET?: string;
  TURN_KEY_ID?: string;
  TURN_KEY_API_TOKEN?: string;
  REALTIME_APP_ID?: string;
  REALTIME_APP_SECRET?: string;
}

export type TurnConfig =
  | { kind: "cloudflare"; apiUrl: string; keyId: string; apiToken: string; ttlSeconds: number }
  | { kind: "coturn"; urls: string[]; secret: string; ttlSeconds: number };

export interface SfuConfig {
  apiUrl: string;
  appId: string;
  appSecret: string;
}

export interface CallsConfig {
  stunUrls: string[];
  /** Null: STUN only. */
  turn: TurnConfig | null;
  /** Null: this deployment has no SFU, and calls are mesh only. */
  sfu: SfuConfig | null;
  maxMembers: { mesh: number; sfu: number };
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

const set = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

const Count = z.coerce.number().int().min(1).max(10_000);
const Seconds = z.coerce
  .number()
  .int()
  .min(60)
  .max(7 * 86_400);

function numberVar<T extends z.ZodType<number>>(
  schema: T,
  name: string,
  value: string | undefined,
  fallback: number,
) {
  if (value === undefined || value.trim() === "") return fallback;
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AppError("internal", "the calls service is misconfigured", { cause: `${name}=${value}` });
  return parsed.data;
}

/**
 * The deployment's calls configuration from its vars and secrets. TURN credentials come from a
 * Cloudflare TURN key when one is set, else from a coturn shared secret, else there is no TURN.
 */
export function callsConfig(env: CallsEnv): CallsConfig {
  const secrets = env as CallsEnv & CallSecrets;
  const apiUrl = (set(env.REALTIME_API_URL) ?? "https://rtc.live.cloudflare.com/v1").replace(/\/+$/, "");
  const ttlSeconds = numberVar(Seconds, "TURN_TTL_SECONDS", env.TURN_TTL_SECONDS, 86_400);
  const keyId = set(secrets.TURN_KEY_ID);
  const apiToken = set(secrets.TURN_KEY_API_TOKEN);
  const sharedSecret = set(secrets.TURN_SHARED_SECRET);
  const turnUrls = list(env.TURN_URLS);
  let turn: TurnConfig | null = null;
  if (keyId && apiToken) turn = { kind: "cloudflare", apiUrl, keyId, apiToken, ttlSeconds };
  else if (sharedSecret && turnUrls.length > 0)
    turn = { kind: "coturn", urls: turnUrls, secret: sharedSecret, ttlSeconds };
  const appId = set(secrets.REALTIME_APP_ID);
  const appSecret = set(secrets.REALTIME_APP_SECRET);
  return {
    stunUrls: list(env.STUN_URLS),
    turn,
    sfu: appId && appSecret ? { apiUrl, appId, appSecret } : null,
    maxMembers: {
      mesh: numberVar(Count, "MESH_MAX_MEMBERS", env.MESH_MAX_MEMBERS, 6),
      sfu: numberVar(Count, "SFU_MAX_MEMBERS", env.SFU_MAX_MEMBERS, 50),
    },
  };
}
