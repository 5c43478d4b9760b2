import { z } from "zod";
import { AppError } from "../../../lib/errors";
import { describeError, log } from "../../../lib/logging";
import type { CallsConfig, TurnConfig } from "./config";

/** One entry of RTCConfiguration.iceServers. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceServers {
  iceServers: IceServer[];
  /** When the TURN credentials stop working (null: STUN only, nothing expires). */
  expiresAt: string | null;
}

/**
 * TURN credentials in the shared-secret scheme coturn implements (draft-uberti-behave-turn-rest):
 * the username is `<expiry unix seconds>:<userId>`, the password base64(HMAC-SHA1(secret, username)).
 */
export async function coturnCredential(secret: string, userId: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${userId}`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(username)));
  return { username, credential: btoa(String.fromCharCode(...mac)) };
}

/** Browsers refuse port 53 (it is DNS's), so such URLs would only slow ICE down. */
export function withoutPort53(servers: IceServer[]): IceServer[] {
  return servers
    .map((server) => ({ ...server, urls: server.urls.filter((url) => !/:53(\?|$)/.test(url)) }))
    .filter((server) => server.urls.length > 0);
}

const CloudflareIceServers = z.object({
  iceServers: z.union([
    z.array(
      z.object({
        urls: z.union([z.string(), z.array(z.string())]),
        username: z.string().optional(),
        credential: z.string().optional(),
      }),
    ),
    // The older single-server answer.
    z.object({
      urls: z.union([z.string(), z.array(z.string())]),
      username: z.string().optional(),
      credential: z.string().optional(),
    }),
  ]),
});

async function cloudflareServers(turn: Extract<TurnConfig, { kind: "cloudflare" }>): Promise<IceServer[]> {
  const url = `${turn.apiUrl}/turn/keys/${encodeURIComponent(turn.keyId)}/credentials/generate-ice-servers`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${turn.apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ttl: turn.ttlSeconds }),
    });
  } catch (error) {
    throw new AppError("unavailable", "TURN credentials are unavailable right now", { cause: error });
  }
  const body = await response.json().catch(() => null);
  const parsed = CloudflareIceServers.safeParse(body);
  if (!response.ok || !parsed.success) {
    throw new AppError("unavailable", "TURN credentials are unavailable right now", {
      cause: `TURN key API answered ${response.status}`,
    });
  }
  const servers = Array.isArray(parsed.data.iceServers) ? parsed.data.iceServers : [parsed.data.iceServers];
  return servers.map(({ urls, username, credential }) => ({
    urls: typeof urls === "string" ? [urls] : urls,
    ...(username !== undefined && { username }),
    ...(credential !== undefined && { credential }),
  }));
}

/** Fresh ICE servers for one user: STUN always, plus TURN credentials when TURN is configured. */
export async function iceServersFor(config: CallsConfig, userId: string, now: number): Promise<IceServers> {
  const stun: IceServer[] = config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [];
  const turn = config.turn;
  if (!turn) return { iceServers: stun, expiresAt: null };
  const expiresAtSeconds = Math.floor(now / 1000) + turn.ttlSeconds;
  const expiresAt = new Date(expiresAtSeconds * 1000).toISOString();
  if (turn.kind === "coturn") {
    const credential = await coturnCredential(turn.secret, userId, expiresAtSeconds);
    return { iceServers: withoutPort53([...stun, { urls: turn.urls, ...credential }]), expiresAt };
  }
  const servers = await cloudflareServers(turn);
  // Cloudflare's answer carries its own STUN URLs; ours stay first.
  return { iceServers: withoutPort53([...stun, ...servers]), expiresAt };
}

/** ICE servers for a new call's response: without TURN rather than no call when TURN is down. */
export async function iceServersOrStun(
  config: CallsConfig,
  userId: string,
  now: number,
): Promise<IceServers> {
  try {
    return await iceServersFor(config, userId, now);
  } catch (error) {
    log("warn", "TURN credentials unavailable; answering with STUN only", describeError(error));
    return iceServersFor({ ...config, turn: null }, userId, now);
  }
}
