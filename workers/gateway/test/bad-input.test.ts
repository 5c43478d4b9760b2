/**
 * Bad input never gets a 5xx: every operation of the gateway's merged OpenAPI document receives
 * malformed path parameters, JSON bodies, query parameters, headers and tokens (raw-body and
 * WebSocket routes their own cases, and every room malformed frames) from real signed-in users.
 * Each answer must be below 500, a 4xx must carry the standard error body, a 2xx is accepted only
 * for input the document allows, and what the owner had before the sweep must be unchanged after.
 * The cases are in bad-input/: built from the document's schemas (openapi-cases.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { errorOf, request, uniqueIp } from "../../../lib/testing/http";
import { makePng } from "../../media/test/fixtures";
import {
  headerCases,
  jsonBodyCases,
  mediaCases,
  pathCases,
  queryCases,
  tokenCases,
  upgradeCases,
} from "./bad-input/cases";
import { edgeCases } from "./bad-input/edges";
import { frameCases, joinRoom, ROOMS, sweepFrames } from "./bad-input/frames";
import type { OpenApiDoc } from "./bad-input/openapi-cases";
import { sweep, WRITES, WRITES_PER_SWEEPER } from "./bad-input/sweep";
import { asUser, type Case, operations, security, type World } from "./bad-input/world";
import { call } from "./worker";

/** The gateway under test, as registerAccount takes it. */
const worker = { fetch: call };

/** What the sweep must leave as it was: the owner's things, read as the w.owner. */
async function invariants(w: World): Promise<Record<string, unknown>> {
  const pick = (value: Record<string, unknown>, keys: string[]) =>
    Object.fromEntries(keys.map((k) => [k, value[k]]));
  const post = await asUser(w.owner.accessToken, "GET", `/v1/posts/${w.fixture.posts}`);
  const comments = (await asUser(w.owner.accessToken, "GET", `/v1/posts/${w.fixture.posts}/comments`))
    .items as {
    id: string;
    text: string;
  }[];
  const profile = await asUser(w.owner.accessToken, "GET", "/v1/users/me");
  const session = await asUser(w.owner.accessToken, "GET", `/v1/sessions/${w.fixture.sessions}`);
  const conversation = await asUser(
    w.owner.accessToken,
    "GET",
    `/v1/conversations/${w.fixture.conversations}`,
  );
  const callDetail = await asUser(w.owner.accessToken, "GET", `/v1/calls/${w.fixture.calls}`);
  const upload = await asUser(w.owner.accessToken, "GET", `/v1/media/uploads/${w.fixture.upload}`);
  const followers = (await asUser(w.owner.accessToken, "GET", `/v1/users/${w.owner.handle}/followers`))
    .items as { id: string }[];
  const sessions = (await asUser(w.owner.accessToken, "GET", "/v1/auth/sessions")).items as { id: string }[];
  return {
    post: pick(post, ["id", "text", "author", "media", "editedAt", "createdAt"]),
    // Others may comment (validly) during the sweep: the owner's comment is what must stay.
    comments: comments.filter(({ id }) => id === w.fixture.comments).map(({ id, text }) => ({ id, text })),
    profile: pick(profile, ["id", "handle", "displayName", "bio", "avatarUrl"]),
    session: pick(session, ["id", "title", "mediaUrl", "visibility", "status", "hostId"]),
    conversation: {
      ...pick(conversation, ["id", "title"]),
      members: (conversation.members as { userId: string }[]).map((m) => m.userId),
    },
    call: pick(callDetail, ["id", "title", "mode", "status", "hostId"]),
    media: await asUser(w.owner.accessToken, "GET", `/v1/media/${w.fixture.media}`),
    upload: pick(upload, ["status", "contentType", "size", "parts"]),
    preferences: await asUser(w.owner.accessToken, "GET", "/v1/notifications/preferences"),
    followers: followers.map(({ id }) => id),
    authSessions: sessions.map(({ id }) => id),
  };
}

/** The owner's things, made through the gateway; the sweep must leave them as they are. */
async function makeWorld(): Promise<World> {
  const doc = (await (await call(new Request("https://plaza.test/openapi.json"))).json()) as OpenApiDoc;
  const [owner, bystander] = await Promise.all([registerAccount(worker), registerAccount(worker)]);
  const png = await makePng(8, 8);
  const as = (method: string, path: string, body?: unknown) => asUser(owner.accessToken, method, path, body);
  const upload = (bytes: Uint8Array) =>
    call(
      new Request("https://plaza.test/v1/media", {
        method: "POST",
        headers: { authorization: `Bearer ${owner.accessToken}`, "content-type": "image/png" },
        body: bytes,
      }),
    );
  const media = ((await (await upload(png)).json()) as { id: string }).id;
  // Taken today (see mediaCases); if the media service starts refusing it, its reads name nothing.
  const truncated = await upload(png.slice(0, 40));
  const posts = String(
    (await as("POST", "/v1/posts", { text: "kept through the sweep", mediaIds: [media] })).id,
  );
  const started = await as("POST", "/v1/media/uploads", {
    contentType: "video/mp4",
    size: 6 * 1024 * 1024,
    filename: "kept.mp4",
  });
  const fixture: Record<string, string> = {
    media,
    truncated: truncated.status === 201 ? ((await truncated.json()) as { id: string }).id : "unknown",
    posts,
    comments: String((await as("POST", `/v1/posts/${posts}/comments`, { text: "kept too" })).id),
    sessions: String(
      (await as("POST", "/v1/sessions", { title: "Kept", mediaUrl: "https://media.example.com/kept.mp4" }))
        .id,
    ),
    conversations: String((await as("POST", "/v1/conversations", { memberHandles: [bystander.handle] })).id),
    calls: String((await as("POST", "/v1/calls", { title: "Kept" })).id),
    upload: String(started.uploadId),
    auth: ((await as("GET", "/v1/auth/sessions")).items as { id: string }[])[0]?.id ?? "",
    push: "unknown",
    handle: owner.handle,
    userId: bystander.user.id,
  };
  await asUser(bystander.accessToken, "PUT", `/v1/users/${owner.handle}/follow`);
  return { doc, owner, bystander, png, fixture, unavailable: await unavailableHere(doc, owner) };
}

/**
 * The parameterless GET operations that answer the owner with 503 `unavailable` here: features
 * whose provider this test setup leaves unconfigured (web push has no VAPID keys).
 */
async function unavailableHere(doc: OpenApiDoc, owner: TestAccount): Promise<Set<string>> {
  const plain = Object.entries(doc.paths)
    .filter(([path, methods]) => !path.includes("{") && "get" in methods)
    .map(([path]) => path);
  const unavailable = new Set<string>();
  for (const path of plain) {
    const response = await call(request("GET", path, { token: owner.accessToken }));
    if (response.status === 503 && (await errorOf(response)).code === "unavailable")
      unavailable.add(`GET ${path}`);
    else await response.body?.cancel();
  }
  return unavailable;
}

describe("bad input through the gateway: never a 5xx, always the error body, nothing lost", () => {
  let w: World;
  let before: Record<string, unknown>;

  beforeAll(async () => {
    w = await makeWorld();
    before = await invariants(w);
  }, 60_000);

  /** Sends the cases, from enough new sweepers that none goes over the gateway's write limit. */
  async function sweepAll(cases: Case[]): Promise<string[]> {
    const writes = cases.filter((c) => c.caller === "sweeper" && WRITES.has(c.method)).length;
    const needed = Math.max(1, Math.ceil(writes / WRITES_PER_SWEEPER));
    const sweepers: TestAccount[] = await Promise.all(
      Array.from({ length: needed }, () => registerAccount(worker)),
    );
    return sweep(cases, { owner: w.owner, sweepers, unavailable: w.unavailable });
  }

  it("covers every operation of the document", () => {
    const built = [pathCases(w), jsonBodyCases(w), queryCases(w), mediaCases(w), upgradeCases(w)].flat();
    const covered = new Set(built.map((c) => c.op));
    for (const { operation, op } of operations(w)) if (security(operation) !== "none") covered.add(op);
    expect(
      operations(w)
        .filter(({ op }) => !covered.has(op))
        .map(({ op }) => op),
    ).toEqual([]);
    expect(operations(w).length).toBeGreaterThan(70);
  });

  it("path parameters: unknown, malformed, long, percent-encoded oddities", async () => {
    expect(await sweepAll(pathCases(w))).toEqual([]);
  }, 120_000);

  it("JSON bodies: not JSON, wrong shapes, each field missing, mistyped, too long, out of range", async () => {
    expect(await sweepAll(jsonBodyCases(w))).toEqual([]);
  }, 120_000);

  it("query parameters: mistyped, out of range, garbage cursors, repeated, unknown", async () => {
    expect(await sweepAll(queryCases(w))).toEqual([]);
  }, 120_000);

  it("headers: garbage trace context, request ids and client addresses on every operation", async () => {
    expect(await sweepAll(headerCases(w))).toEqual([]);
  }, 120_000);

  it("tokens: none and garbage on every route that needs a user, every kind of bad token on two", async () => {
    expect(await sweepAll(await tokenCases(w))).toEqual([]);
  }, 120_000);

  it("raw bodies and headers: media uploads, upload parts, ranges", async () => {
    expect(await sweepAll(mediaCases(w))).toEqual([]);
  }, 120_000);

  it("WebSocket upgrades without the subprotocol, without a ticket, with garbage tickets", async () => {
    expect(await sweepAll(upgradeCases(w))).toEqual([]);
  }, 120_000);

  it("edge cases a schema cannot rule out: oneself, repeats, unknown names, use after delete", async () => {
    expect(
      await sweep(
        await edgeCases(w),
        { owner: w.owner, sweepers: [], unavailable: w.unavailable },
        { inOrder: true },
      ),
    ).toEqual([]);
  }, 120_000);

  it("WebSocket frames: garbage and each frame type mutated get error frames, never an internal one", async () => {
    const problems: string[] = [];
    for (const [room, union] of Object.entries(ROOMS)) {
      const socket = await joinRoom(w, room as keyof typeof ROOMS);
      try {
        problems.push(...(await sweepFrames(room, socket, frameCases(union))));
      } finally {
        socket.close();
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("after the sweep, everything the owner had is there and unchanged", async () => {
    expect(await invariants(w)).toEqual(before);
    const login = await call(
      request("POST", "/v1/auth/login", {
        headers: { "cf-connecting-ip": uniqueIp() },
        body: { email: w.owner.email, password: w.owner.password },
      }),
    );
    expect(login.status).toBe(200);
  });
});
