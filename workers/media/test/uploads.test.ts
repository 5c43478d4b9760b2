import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../../lib/testing/accounts";
import { errorOf, request } from "../../../lib/testing/http";
import handler from "../src/index";
import { concat, convert, makeMp4, makePng, patterned } from "./fixtures";
import { bytesOf, call, fileRequest, getContent, mediaRow, newAccount, rowsOf } from "./worker";

const MiB = 1024 * 1024;
// Three parts: two of R2's smallest (5 MiB) and a short last one.
const video = concat(makeMp4(5 * MiB), patterned(5 * MiB, 3), patterned(1000, 5));
const partOf = (n: number) => video.subarray((n - 1) * 5 * MiB, Math.min(n * 5 * MiB, video.byteLength));

interface Started {
  uploadId: string;
  mediaId: string;
  partSize: number;
  partCount: number;
  expiresAt: string;
}

async function start(who: TestAccount, body: Record<string, unknown> = {}): Promise<Started> {
  const response = await call(
    request("POST", "/v1/media/uploads", {
      token: who.accessToken,
      body: { contentType: "video/mp4", size: video.byteLength, filename: "holiday.mp4", ...body },
    }),
  );
  if (response.status !== 201) throw new Error(`start failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Started;
}

const put = (who: TestAccount, uploadId: string, n: number, bytes: Uint8Array) =>
  call(fileRequest("PUT", `/v1/media/uploads/${uploadId}/parts/${n}`, bytes, { token: who.accessToken }));
const status = (who: TestAccount, uploadId: string) =>
  call(request("GET", `/v1/media/uploads/${uploadId}`, { token: who.accessToken }));
const complete = (who: TestAccount, uploadId: string) =>
  call(request("POST", `/v1/media/uploads/${uploadId}/complete`, { token: who.accessToken }));
const abort = (who: TestAccount, uploadId: string) =>
  call(request("DELETE", `/v1/media/uploads/${uploadId}`, { token: who.accessToken }));

async function partsListed(who: TestAccount, uploadId: string): Promise<number[]> {
  const body = (await (await status(who, uploadId)).json()) as { parts: { partNumber: number }[] };
  return body.parts.map((part) => part.partNumber);
}

describe("a resumable upload", () => {
  it("takes parts in any order, lists them to resume, and completes into the file", async () => {
    const me = await newAccount();
    const upload = await start(me);
    expect(upload).toMatchObject({
      partSize: 5 * MiB,
      partCount: 3,
      uploadId: expect.stringMatching(/^upl_/),
    });
    expect(await mediaRow(upload.mediaId)).toMatchObject({ status: "uploading", filename: "holiday.mp4" });

    expect((await put(me, upload.uploadId, 3, partOf(3))).status).toBe(200);
    const first = await put(me, upload.uploadId, 1, partOf(1));
    expect(await first.json()).toEqual({ partNumber: 1, size: 5 * MiB });
    // The connection dropped here: the client asks what arrived, and sends the rest.
    expect(await partsListed(me, upload.uploadId)).toEqual([1, 3]);
    const early = await complete(me, upload.uploadId);
    expect(early.status).toBe(409);
    expect((await errorOf(early)).message).toBe("parts missing: 2");

    expect((await put(me, upload.uploadId, 2, partOf(2))).status).toBe(200);
    const done = await complete(me, upload.uploadId);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      id: upload.mediaId,
      contentType: "video/mp4",
      size: video.byteLength,
    });

    const object = await env.MEDIA_BUCKET.get(`media/${upload.mediaId}`);
    expect(object?.size).toBe(video.byteLength);
    expect(new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(video);
    expect(await mediaRow(upload.mediaId)).toMatchObject({ status: "ready", expires_at: null });
    const parts = await env.DB.prepare("SELECT count(*) AS n FROM upload_parts WHERE upload_id = ?")
      .bind(upload.uploadId)
      .first<{ n: number }>();
    expect(parts?.n).toBe(0);

    // Across a part boundary, as a player seeking would ask.
    const seek = await getContent(upload.mediaId, { range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` });
    expect(seek.status).toBe(206);
    expect(await bytesOf(seek)).toEqual(video.subarray(5 * MiB - 10, 5 * MiB + 10));
  });

  it("answers a second complete with the same media (the first answer may have been lost)", async () => {
    const me = await newAccount();
    const small = makeMp4(2000);
    const upload = await start(me, { size: small.byteLength });
    expect(upload).toMatchObject({ partCount: 1 });
    await put(me, upload.uploadId, 1, small);
    const first = await (await complete(me, upload.uploadId)).json();
    const again = await complete(me, upload.uploadId);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await (await status(me, upload.uploadId)).json()).toMatchObject({
      status: "completed",
      expiresAt: null,
      parts: [],
    });
  });

  it("replaces a part sent twice", async () => {
    const me = await newAccount();
    const upload = await start(me);
    await put(me, upload.uploadId, 3, patterned(1000, 99));
    await put(me, upload.uploadId, 3, partOf(3));
    expect(await partsListed(me, upload.uploadId)).toEqual([3]);
    await put(me, upload.uploadId, 1, partOf(1));
    await put(me, upload.uploadId, 2, partOf(2));
    expect((await complete(me, upload.uploadId)).status).toBe(200);
    const tail = await getContent(upload.mediaId, { range: "bytes=-1000" });
    expect(await bytesOf(tail)).toEqual(partOf(3));
  });

  it("measures an image from its stored first bytes", async () => {
    const me = await newAccount();
    const jpeg = await convert(await makePng(90, 60), "image/jpeg");
    const upload = await start(me, { contentType: "image/jpeg", size: jpeg.byteLength, filename: "a.jpg" });
    await put(me, upload.uploadId, 1, jpeg);
    expect(await (await complete(me, upload.uploadId)).json()).toMatchObject({ width: 90, height: 60 });
  });
});

describe("parts that are wrong", () => {
  it.each([
    ["a part smaller than the part size (not the last)", 1, () => partOf(1).subarray(0, MiB), 400],
    ["a last part of the wrong size", 3, () => patterned(999), 400],
    ["a part number past the last", 4, () => patterned(10), 400],
  ])("refuses %s, recording nothing", async (_name, n, make, code) => {
    const me = await newAccount();
    const upload = await start(me);
    const response = await put(me, upload.uploadId, n, make());
    expect(response.status).toBe(code);
    expect(await partsListed(me, upload.uploadId)).toEqual([]);
  });

  it.each(["0", "01", "1e0", "%201", "0x1", "10001"])("refuses part number %s with 400", async (n) => {
    const me = await newAccount();
    const { uploadId } = await start(me);
    const response = await call(
      fileRequest("PUT", `/v1/media/uploads/${uploadId}/parts/${n}`, partOf(1), { token: me.accessToken }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.[0]?.path).toBe("path.n");
    expect(await partsListed(me, uploadId)).toEqual([]);
  });

  it.each(["GET", "DELETE", "PATCH"])(
    "answers %s on the uploads collection with 405 Allow: POST",
    async (method) => {
      const me = await newAccount();
      const response = await call(request(method, "/v1/media/uploads", { token: me.accessToken }));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect((await errorOf(response)).code).toBe("method_not_allowed");
    },
  );

  it("refuses a first part whose bytes are not the declared type with 415", async () => {
    const me = await newAccount();
    const upload = await start(me, { contentType: "image/png", size: 5 * MiB + 10 });
    const response = await put(me, upload.uploadId, 1, patterned(5 * MiB));
    expect(response.status).toBe(415);
    expect(await partsListed(me, upload.uploadId)).toEqual([]);
  });

  it.each([
    ["a type we do not store", { contentType: "application/zip" }, 415],
    ["a size of zero", { size: 0 }, 400],
    ["a filename with control characters", { filename: "a\nb.mp4" }, 400],
    ["an unknown field", { public: true }, 400],
  ])("refuses to start an upload with %s", async (_name, body, code) => {
    const me = await newAccount();
    const response = await call(
      request("POST", "/v1/media/uploads", {
        token: me.accessToken,
        body: { contentType: "video/mp4", size: 100, filename: "x.mp4", ...body },
      }),
    );
    expect(response.status).toBe(code);
    expect(await rowsOf(me.user.id)).toBe(0);
  });
});

describe("ending an upload", () => {
  it("when aborted, then R2 drops the parts and the rows and quota go", async () => {
    const me = await newAccount();
    const upload = await start(me);
    await put(me, upload.uploadId, 1, partOf(1));
    expect((await abort(me, upload.uploadId)).status).toBe(204);
    expect(await rowsOf(me.user.id)).toBe(0);
    expect((await status(me, upload.uploadId)).status).toBe(404);
    expect((await put(me, upload.uploadId, 2, partOf(2))).status).toBe(404);
    expect(await env.MEDIA_BUCKET.head(`media/${upload.mediaId}`)).toBeNull();
  });

  it("cannot abort or add to a completed upload (409)", async () => {
    const me = await newAccount();
    const small = makeMp4(500);
    const upload = await start(me, { size: small.byteLength });
    await put(me, upload.uploadId, 1, small);
    await complete(me, upload.uploadId);
    expect((await abort(me, upload.uploadId)).status).toBe(409);
    expect((await put(me, upload.uploadId, 1, small)).status).toBe(409);
  });

  it("when it expires, then it is gone for the client and the hourly sweep frees it", async () => {
    const me = await newAccount();
    const upload = await start(me);
    await put(me, upload.uploadId, 1, partOf(1));
    await env.DB.prepare("UPDATE media SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, upload.mediaId)
      .run();
    expect((await status(me, upload.uploadId)).status).toBe(404);

    await handler.scheduled(createScheduledController({ cron: "17 * * * *" }), env);
    expect(await rowsOf(me.user.id)).toBe(0);
    const parts = await env.DB.prepare("SELECT count(*) AS n FROM upload_parts WHERE upload_id = ?")
      .bind(upload.uploadId)
      .first<{ n: number }>();
    expect(parts?.n).toBe(0);
  });

  it("is someone else's: 404 to every other user", async () => {
    const owner = await newAccount();
    const mallory = await newAccount();
    const upload = await start(owner);
    expect((await status(mallory, upload.uploadId)).status).toBe(404);
    expect((await put(mallory, upload.uploadId, 3, partOf(3))).status).toBe(404);
    expect((await complete(mallory, upload.uploadId)).status).toBe(404);
    expect((await abort(mallory, upload.uploadId)).status).toBe(404);
    expect(await partsListed(owner, upload.uploadId)).toEqual([]);
  });
});
