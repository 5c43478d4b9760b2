import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors";
import { errorOf, request } from "../../../lib/testing/http";
import { type CallsConfig, callsConfig } from "../src/config";
import { coturnCredential, iceServersFor, iceServersOrStun, withoutPort53 } from "../src/ice";
import { FAKE_REALTIME } from "./fake-realtime";
import { call, createCall, newAccount } from "./worker";

const BASE: CallsConfig = {
  stunUrls: ["stun:stun.cloudflare.com:3478"],
  turn: null,
  sfu: null,
  maxMembers: { mesh: 6, sfu: 50 },
};

describe("coturn shared-secret credentials", () => {
  it("signs `expiry:userId` with HMAC-SHA1 of the secret, base64 (a vector computed outside)", async () => {
    // python3: base64.b64encode(hmac.new(b"s3cret", b"1700086400:usr_01J9Z3V6Q3K8T1M2N4P5R6S7T8", sha1).digest())
    expect(await coturnCredential("s3cret", "usr_01J9Z3V6Q3K8T1M2N4P5R6S7T8", 1_700_086_400)).toEqual({
      username: "1700086400:usr_01J9Z3V6Q3K8T1M2N4P5R6S7T8",
      credential: "f8QOKJ2MhDZ5A99Q/CbdDhhAiOU=",
    });
  });

  it("expires after the configured TTL, and leaves out port-53 URLs", async () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const config: CallsConfig = {
      ...BASE,
      turn: {
        kind: "coturn",
        urls: ["turn:t.example:3478", "turn:t.example:53?transport=udp"],
        secret: "k",
        ttlSeconds: 600,
      },
    };
    const { iceServers, expiresAt } = await iceServersFor(config, "usr_a", now);
    expect(expiresAt).toBe(new Date(now + 600_000).toISOString());
    expect(iceServers).toEqual([
      { urls: ["stun:stun.cloudflare.com:3478"] },
      {
        urls: ["turn:t.example:3478"],
        username: `${now / 1000 + 600}:usr_a`,
        credential: expect.any(String),
      },
    ]);
  });

  it("GET /v1/calls/:id/ice-servers gives a member fresh credentials from the Worker's secret", async () => {
    const host = await newAccount();
    const created = await createCall(host);
    const before = Math.floor(Date.now() / 1000);
    const response = await call(
      request("GET", `/v1/calls/${created.id}/ice-servers`, { token: host.accessToken }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      iceServers: { urls: string[]; username?: string; credential?: string }[];
      expiresAt: string;
    };
    const turn = body.iceServers[1];
    expect(turn?.urls).toEqual([
      "turn:turn.plaza.test:3478?transport=udp",
      "turns:turn.plaza.test:5349?transport=tcp",
    ]);
    const [expiry, userId] = (turn?.username ?? "").split(":");
    expect(userId).toBe(host.user.id);
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 3600);
    expect(Number(expiry)).toBeLessThanOrEqual(before + 3601);
    expect(new Date(body.expiresAt).getTime()).toBe(Number(expiry) * 1000);
    expect(turn?.credential).toBe(
      (await coturnCredential("test-turn-secret", host.user.id, Number(expiry))).credential,
    );
  });

  it("is 404 to someone who may not see the call", async () => {
    const [host, stranger] = [await newAccount(), await newAccount()];
    const created = await createCall(host);
    const response = await call(
      request("GET", `/v1/calls/${created.id}/ice-servers`, { token: stranger.accessToken }),
    );
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe("not_found");
  });
});

describe("Cloudflare TURN key credentials", () => {
  const cloudflare = (apiToken: string): CallsConfig => ({
    ...BASE,
    turn: {
      kind: "cloudflare",
      apiUrl: "https://rtc.live.cloudflare.com/v1",
      keyId: FAKE_REALTIME.turnKeyId,
      apiToken,
      ttlSeconds: 3600,
    },
  });

  it("asks the TURN key API, keeps our STUN first and leaves out port-53 URLs", async () => {
    const { iceServers, expiresAt } = await iceServersFor(
      cloudflare(FAKE_REALTIME.turnKeyToken),
      "usr_a",
      Date.now(),
    );
    expect(expiresAt).not.toBeNull();
    expect(iceServers).toEqual([
      { urls: ["stun:stun.cloudflare.com:3478"] },
      { urls: ["stun:stun.cloudflare.com:3478"] },
      {
        urls: [
          "turn:turn.cloudflare.com:3478?transport=udp",
          "turn:turn.cloudflare.com:3478?transport=tcp",
          "turns:turn.cloudflare.com:443?transport=tcp",
        ],
        username: "fake-turn-username",
        credential: "fake-turn-credential",
      },
    ]);
  });

  it("when the API refuses, then credentials are unavailable (503), and a new call falls back to STUN", async () => {
    const error = await iceServersFor(cloudflare("wrong-token"), "usr_a", Date.now()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(503);
    const fallback = await iceServersOrStun(cloudflare("wrong-token"), "usr_a", Date.now());
    expect(fallback).toEqual({ iceServers: [{ urls: ["stun:stun.cloudflare.com:3478"] }], expiresAt: null });
  });
});

describe("configuration", () => {
  it("uses a Cloudflare TURN key over a coturn secret, a coturn secret with its URLs, else STUN only", () => {
    const vars = { ...env, TURN_SHARED_SECRET: "s", TURN_URLS: "turn:a:3478" } as CallsEnv;
    expect(callsConfig(vars).turn?.kind).toBe("coturn");
    expect(callsConfig({ ...vars, TURN_KEY_ID: "k", TURN_KEY_API_TOKEN: "t" } as CallsEnv).turn?.kind).toBe(
      "cloudflare",
    );
    expect(callsConfig({ ...vars, TURN_URLS: "" } as CallsEnv).turn).toBeNull();
  });

  it("caps mesh calls at 6 and SFU calls at 50 unless told otherwise, and has no SFU without its app", () => {
    const config = callsConfig({
      ...env,
      MESH_MAX_MEMBERS: "",
      SFU_MAX_MEMBERS: "",
      REALTIME_APP_SECRET: "",
    } as CallsEnv);
    expect(config.maxMembers).toEqual({ mesh: 6, sfu: 50 });
    expect(config.sfu).toBeNull();
  });

  it("drops port-53 URLs wherever they are, and servers left with none", () => {
    expect(
      withoutPort53([
        { urls: ["stun:s:53"] },
        { urls: ["turn:t:53?transport=tcp", "turn:t:5349"], username: "u", credential: "c" },
      ]),
    ).toEqual([{ urls: ["turn:t:5349"], username: "u", credential: "c" }]);
  });
});
