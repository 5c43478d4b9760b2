import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IsolateRevocations } from "../../../lib/auth/authenticator";
import { REVOCATION_TTL_SECONDS, revokedSessionKey } from "../../../lib/auth/claims";
import { TtlCache } from "../../../lib/cache";
import { SESSIONS_ENDED_HEADER } from "../../../lib/service";
import { registerAccount } from "../../../lib/testing/accounts";
import { errorOf, request, uniqueIp } from "../../../lib/testing/http";
import { decodeJwt } from "../../../lib/testing/tokens";
import { call } from "./worker";

describe("the gateway's revocation answers (cached per isolate)", () => {
  it("refuses a session revoked from another session at once, though its answer was cached", async () => {
    const account = await registerAccount({ fetch: call });
    const headers = { "cf-connecting-ip": uniqueIp() };
    const login = await call(
      request("POST", "/v1/auth/login", {
        headers,
        body: { email: account.email, password: account.password },
      }),
    );
    const other = (await login.json()) as { accessToken: string };

    // The registration's token is checked once: "not revoked" is now cached in this isolate.
    expect((await call(request("GET", "/v1/users/me", { token: account.accessToken }))).status).toBe(200);

    const { sid } = decodeJwt(account.accessToken).payload as { sid: string };
    const revoked = await call(
      request("DELETE", `/v1/auth/sessions/${sid}`, { headers, token: other.accessToken }),
    );
    expect(revoked.status).toBe(204);

    const refused = await call(request("GET", "/v1/users/me", { token: account.accessToken }));
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("unauthorized");
    expect((await call(request("GET", "/v1/users/me", { token: other.accessToken }))).status).toBe(200);
  });

  it("keeps its answers through sign-ins and refreshes, and forgets them when a logout goes through", async () => {
    const [watched, busy] = [await registerAccount({ fetch: call }), await registerAccount({ fetch: call })];
    const me = async (token: string) => (await call(request("GET", "/v1/users/me", { token }))).status;
    expect(await me(watched.accessToken)).toBe(200);
    // Revoked elsewhere (another location): this isolate answers from what it kept, for now.
    const { sid } = decodeJwt(watched.accessToken).payload as { sid: string };
    await revoke(sid);
    expect(await me(watched.accessToken)).toBe(200);

    const headers = { "cf-connecting-ip": uniqueIp() };
    const refreshed = await call(
      request("POST", "/v1/auth/refresh", { headers, body: { refreshToken: busy.refreshToken } }),
    );
    expect(refreshed.status).toBe(200);
    const signedIn = await call(
      request("POST", "/v1/auth/login", { headers, body: { email: busy.email, password: busy.password } }),
    );
    expect(signedIn.status).toBe(200);
    expect(await me(watched.accessToken)).toBe(200);

    const { refreshToken } = (await refreshed.json()) as { refreshToken: string };
    const loggedOut = await call(request("POST", "/v1/auth/logout", { headers, body: { refreshToken } }));
    expect(loggedOut.status).toBe(204);
    // The auth service's signal is for the gateway only.
    expect(loggedOut.headers.get(SESSIONS_ENDED_HEADER)).toBeNull();
    expect(await me(watched.accessToken)).toBe(401);
  });
});

/** The gateway's real KV namespace, with its reads and listings counted. */
function countedKv() {
  const kv = env.REVOKED_SESSIONS;
  const ops = { get: 0, list: 0 };
  const counted = {
    get: (key: string) => {
      ops.get++;
      return kv.get(key);
    },
    list: (options: KVNamespaceListOptions) => {
      ops.list++;
      return kv.list(options);
    },
  } as unknown as KVNamespace;
  return { kv: counted, ops };
}

let sessions = 0;
const sessionId = () => `ses_revocation_test_${++sessions}_${crypto.randomUUID().slice(0, 8)}`;
const revoke = (id: string) =>
  env.REVOKED_SESSIONS.put(revokedSessionKey(id), "logout", { expirationTtl: REVOCATION_TTL_SECONDS });

describe("IsolateRevocations (the gateway's revocation answers)", () => {
  const TTL = 5_000;

  it("reads a quiet isolate's sessions one by one and keeps each answer", async () => {
    let now = 1_000_000;
    const { kv, ops } = countedKv();
    const revocations = new IsolateRevocations(kv, TTL, { afterChecks: 5, now: () => now });
    const [a, b, c] = [sessionId(), sessionId(), sessionId()];
    await revoke(b);
    expect([
      await revocations.isRevoked(a),
      await revocations.isRevoked(b),
      await revocations.isRevoked(c),
    ]).toEqual([false, true, false]);
    expect(await revocations.isRevoked(a)).toBe(false);
    expect(ops).toEqual({ get: 3, list: 0 });
    now += TTL;
    expect(await revocations.isRevoked(a)).toBe(false);
    expect(ops).toEqual({ get: 4, list: 0 });
  });

  it("lists the revoked sessions once busy, and answers every session from that listing for its time", async () => {
    let now = 2_000_000;
    const { kv, ops } = countedKv();
    const revocations = new IsolateRevocations(kv, TTL, { afterChecks: 2, now: () => now });
    const before = sessionId();
    await revoke(before);
    await revocations.isRevoked(sessionId());
    await revocations.isRevoked(sessionId());
    expect(ops).toEqual({ get: 2, list: 0 });

    // The third check in this period lists, and the listing answers the rest without a read.
    expect(await revocations.isRevoked(before)).toBe(true);
    for (let i = 0; i < 10; i++) expect(await revocations.isRevoked(sessionId())).toBe(false);
    expect(ops).toEqual({ get: 2, list: 1 });

    // A revocation after the listing is seen once the listing is older than its time, not before.
    const after = sessionId();
    await revoke(after);
    now += TTL - 1;
    expect(await revocations.isRevoked(after)).toBe(false);
    now += 1;
    expect(await revocations.isRevoked(after)).toBe(true);
    expect(ops).toEqual({ get: 2, list: 2 });
  });

  it("lists once for checks that arrive together; the others read per session instead of waiting for it", async () => {
    const { kv, ops } = countedKv();
    const revocations = new IsolateRevocations(kv, TTL, { afterChecks: 0 });
    const revoked = sessionId();
    await revoke(revoked);
    const ids = [revoked, ...Array.from({ length: 9 }, sessionId)];
    const answers = await Promise.all(ids.map((id) => revocations.isRevoked(id)));
    expect(answers).toEqual([true, ...Array(9).fill(false)]);
    expect(ops).toEqual({ get: 9, list: 1 });
    expect(await revocations.isRevoked(sessionId())).toBe(false);
    expect(ops).toEqual({ get: 9, list: 1 });
  });

  it("takes a listing that never settles (its request ended) as lost, and lists again later", async () => {
    let now = 4_000_000;
    const { kv, ops } = countedKv();
    let hang = true;
    const stalling = {
      get: (key: string) => kv.get(key),
      list: (options: KVNamespaceListOptions) => {
        if (!hang) return kv.list(options);
        hang = false;
        ops.list++;
        return new Promise<never>(() => {});
      },
    } as unknown as KVNamespace;
    const revocations = new IsolateRevocations(stalling, TTL, { afterChecks: 0, now: () => now });
    const revoked = sessionId();
    await revoke(revoked);

    void revocations.isRevoked(sessionId());
    expect(await revocations.isRevoked(revoked)).toBe(true);
    expect(ops).toEqual({ get: 1, list: 1 });

    now += 10_000;
    expect(await revocations.isRevoked(revoked)).toBe(true);
    expect(await revocations.isRevoked(sessionId())).toBe(false);
    expect(ops).toEqual({ get: 1, list: 2 });
  });

  it("forgets its listing when told that sessions may have been revoked (a write through this isolate)", async () => {
    const { kv, ops } = countedKv();
    const revocations = new IsolateRevocations(kv, TTL, { afterChecks: 0 });
    const id = sessionId();
    expect(await revocations.isRevoked(id)).toBe(false);
    await revoke(id);
    expect(await revocations.isRevoked(id)).toBe(false);
    revocations.forget();
    expect(await revocations.isRevoked(id)).toBe(true);
    expect(ops).toEqual({ get: 0, list: 2 });
  });

  it("reads one by one when the revoked sessions do not fit its pages, and lists again only later", async () => {
    let now = 3_000_000;
    const { kv, ops } = countedKv();
    const revocations = new IsolateRevocations(kv, TTL, {
      afterChecks: 0,
      pageSize: 1,
      maxPages: 2,
      now: () => now,
    });
    const revoked = [sessionId(), sessionId(), sessionId()];
    for (const id of revoked) await revoke(id);
    expect(await revocations.isRevoked(revoked[0] ?? "")).toBe(true);
    expect(await revocations.isRevoked(revoked[1] ?? "")).toBe(true);
    expect(await revocations.isRevoked(sessionId())).toBe(false);
    expect(ops).toEqual({ get: 3, list: 2 });
    now += TTL;
    await revocations.isRevoked(sessionId());
    expect(ops).toEqual({ get: 4, list: 4 });
  });
});

describe("TtlCache", () => {
  it("forgets entries after their time and the oldest beyond its size", () => {
    let now = 1_000;
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 2, now: () => now });
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("a")).toBeUndefined();
    expect([cache.get("b"), cache.get("c")]).toEqual([2, 3]);
    now += 100;
    expect(cache.get("b")).toBeUndefined();
    cache.set("c", 4);
    expect(cache.get("c")).toBe(4);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("spreads the expiry of entries stored together over the last `jitter` of the TTL", () => {
    let now = 1_000;
    const draws = [0, 0.5, 0.999];
    const cache = new TtlCache<string, number>({
      ttlMs: 100,
      jitter: 0.2,
      maxEntries: 10,
      now: () => now,
      random: () => draws.shift() ?? 0,
    });
    cache.set("full", 1); // lives 100 ms
    cache.set("middle", 2); // 90 ms
    cache.set("shortest", 3); // just over 80 ms
    now += 80;
    expect([cache.get("full"), cache.get("middle"), cache.get("shortest")]).toEqual([1, 2, 3]);
    now += 1;
    expect(cache.get("shortest")).toBeUndefined();
    now += 9;
    expect(cache.get("middle")).toBeUndefined();
    expect(cache.get("full")).toBe(1);
    now += 10;
    expect(cache.get("full")).toBeUndefined();
  });

  it("refuses a jitter outside [0, 1)", () => {
    for (const jitter of [-0.1, 1, Number.NaN]) {
      expect(() => new TtlCache({ ttlMs: 100, maxEntries: 1, jitter })).toThrow(RangeError);
    }
  });
});
