import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FORWARDED_HEADER, type Forwarded, forwardedRequest } from "../../../lib/service";
import { errorOf, request } from "../../../lib/testing/http";
import { badTokenCases, decodeJwt } from "../../../lib/testing/tokens";
import { makeMp4, makePng } from "./fixtures";
import { call, fileRequest, getContent, mediaRow, newAccount, rowsOf, uploaded, worker } from "./worker";

const authenticated = (userId: string, sessionId: string): Forwarded => ({
  requestId: "req_test_forwarded_media",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  clientIp: "10.0.0.1",
  identity: { status: "authenticated", principal: { userId, sessionId } },
});

describe("uploading needs a signed-in user", () => {
  it.each([
    ["POST", "/v1/media"],
    ["POST", "/v1/media/uploads"],
    ["GET", "/v1/media/uploads/upl_01J9Z3V6Q3K8T1M2N4P5R6S7T8"],
    ["PUT", "/v1/media/uploads/upl_01J9Z3V6Q3K8T1M2N4P5R6S7T8/parts/1"],
    ["POST", "/v1/media/uploads/upl_01J9Z3V6Q3K8T1M2N4P5R6S7T8/complete"],
    ["DELETE", "/v1/media/uploads/upl_01J9Z3V6Q3K8T1M2N4P5R6S7T8"],
    ["DELETE", "/v1/media/med_01J9Z3V6Q3K8T1M2N4P5R6S7T8"],
  ])("%s %s answers 401 to an anonymous caller", async (method, path) => {
    const body = makeMp4(64);
    const response = await call(
      method === "GET" ? request(method, path) : fileRequest(method, path, body, { type: "video/mp4" }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it.each(badTokenCases(env.TEST_SIGNING_JWK))("refuses an upload with a %s token", async (_name, make) => {
    const me = await newAccount();
    const token = await make(me.accessToken);
    const response = await call(fileRequest("POST", "/v1/media", makeMp4(64), { token, type: "video/mp4" }));
    expect(response.status).toBe(401);
    expect(await rowsOf(me.user.id)).toBe(0);
  });
});

describe("only the owner deletes", () => {
  it("when someone else tries, then 403 and the media stays (it is public, so 404 would hide nothing)", async () => {
    const owner = await newAccount();
    const mallory = await newAccount();
    const media = await uploaded(owner, await makePng(4, 4), "image/png");
    const response = await call(request("DELETE", `/v1/media/${media.id}`, { token: mallory.accessToken }));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("forbidden");
    expect(await mediaRow(media.id)).toMatchObject({ status: "ready" });
    expect((await getContent(media.id)).status).toBe(200);
  });

  it("answers 404 for media that does not exist, or is not uploaded yet", async () => {
    const me = await newAccount();
    const start = await call(
      request("POST", "/v1/media/uploads", {
        token: me.accessToken,
        body: { contentType: "video/mp4", size: 100, filename: "a.mp4" },
      }),
    );
    const { mediaId } = (await start.json()) as { mediaId: string };
    expect((await call(request("DELETE", `/v1/media/${mediaId}`, { token: me.accessToken }))).status).toBe(
      404,
    );
    expect((await call(request("GET", `/v1/media/${mediaId}`))).status).toBe(404);
    expect((await getContent(mediaId)).status).toBe(404);
  });
});

describe("files are served so that a browser never runs them", () => {
  it("with nosniff, a sandboxing CSP, and the type that was verified at upload", async () => {
    const media = await uploaded(await newAccount(), makeMp4(300), "video/mp4");
    const response = await getContent(media.id);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/sandbox/);
  });
});

describe("requests the gateway forwards", () => {
  it("stream a file through the entrypoint's fetch, for the caller the gateway verified", async () => {
    const me = await newAccount();
    const sid = decodeJwt(me.accessToken).payload.sid as string;
    const png = await makePng(12, 7);
    const response = await worker.MediaService.fetch(
      forwardedRequest(
        fileRequest("POST", "/v1/media", png, { type: "image/png", token: "garbage" }),
        authenticated(me.user.id, sid),
      ),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe("req_test_forwarded_media");
    const media = (await response.json()) as { id: string };
    expect(await mediaRow(media.id)).toMatchObject({ owner_id: me.user.id, width: 12, height: 7 });
  });

  it("are not trusted on the public fetch, where a client could have set the header", async () => {
    const victim = await newAccount();
    const forged = fileRequest("POST", "/v1/media", makeMp4(64), {
      type: "video/mp4",
      headers: { [FORWARDED_HEADER]: JSON.stringify(authenticated(victim.user.id, "ses_x")) },
    });
    expect((await call(forged)).status).toBe(401);
    expect(await rowsOf(victim.user.id)).toBe(0);
  });
});
