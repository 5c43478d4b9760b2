import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { receivedEvents } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import {
  convert,
  makeGif,
  makeMp4,
  makePng,
  makeWebm,
  withExifOrientation,
  withLargeMetadata,
} from "./fixtures";
import { bytesOf, call, getContent, mediaRow, newAccount, uploaded } from "./worker";

describe("POST /v1/media", () => {
  it("when I upload a PNG, then it is stored in R2 and D1 and described with its size", async () => {
    const me = await newAccount();
    const png = await makePng(40, 30);
    const media = await uploaded(me, png, "image/png");
    expect(media).toEqual({
      id: expect.stringMatching(/^med_[0-9A-Z]{26}$/),
      contentType: "image/png",
      size: png.byteLength,
      width: 40,
      height: 30,
      url: `/v1/media/${media.id}/content`,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const object = await env.MEDIA_BUCKET.get(`media/${media.id}`);
    expect(object?.httpMetadata?.contentType).toBe("image/png");
    expect(new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(png);
    expect(await mediaRow(media.id)).toMatchObject({
      owner_id: me.user.id,
      content_type: "image/png",
      size: png.byteLength,
      width: 40,
      height: 30,
      status: "ready",
      expires_at: null,
    });
  });

  it.each([
    ["JPEG", "image/jpeg" as const],
    ["WebP", "image/webp" as const],
    ["AVIF (sized by the Images binding)", "image/avif" as const],
  ])("measures a %s", async (_name, type) => {
    const me = await newAccount();
    const media = await uploaded(me, await convert(await makePng(64, 48), type), type);
    expect(media).toMatchObject({ contentType: type, width: 64, height: 48 });
  });

  it("measures a GIF", async () => {
    const media = await uploaded(await newAccount(), makeGif(17, 9), "image/gif");
    expect(media).toMatchObject({ width: 17, height: 9 });
  });

  it("turns a JPEG's size by its EXIF orientation (a phone photo held upright)", async () => {
    const jpeg = withExifOrientation(await convert(await makePng(64, 48), "image/jpeg"), 6);
    const media = await uploaded(await newAccount(), jpeg, "image/jpeg");
    expect(media).toMatchObject({ width: 48, height: 64 });
  });

  it("measures a JPEG whose frame header is past the first 64 KiB (through the Images binding)", async () => {
    const jpeg = withLargeMetadata(await convert(await makePng(64, 48), "image/jpeg"));
    const media = await uploaded(await newAccount(), jpeg, "image/jpeg");
    expect(media).toMatchObject({ width: 64, height: 48, size: jpeg.byteLength });
  });

  it.each([
    ["an MP4", "video/mp4", makeMp4(5000)],
    ["a WebM", "video/webm", makeWebm(5000)],
  ])("stores %s without dimensions", async (_name, type, bytes) => {
    const media = await uploaded(await newAccount(), bytes, type);
    expect(media).toMatchObject({ contentType: type, size: 5000 });
    expect(media).not.toHaveProperty("width");
    expect((await mediaRow(media.id))?.width).toBeNull();
  });

  it("takes a content type with parameters and in any case", async () => {
    const media = await uploaded(await newAccount(), makeMp4(100), "Video/MP4; codecs=avc1");
    expect(media.contentType).toBe("video/mp4");
  });
});

describe("GET /v1/media/:id and its content", () => {
  it("shows anyone the metadata and the bytes, with caching headers", async () => {
    const png = await makePng(8, 8);
    const media = await uploaded(await newAccount(), png, "image/png");
    const metadata = await call(request("GET", `/v1/media/${media.id}`));
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toEqual(media);

    const content = await getContent(media.id);
    expect(content.status).toBe(200);
    expect(await bytesOf(content)).toEqual(png);
    expect(Object.fromEntries(content.headers)).toMatchObject({
      "content-type": "image/png",
      "content-length": String(png.byteLength),
      "accept-ranges": "bytes",
      "cache-control": "public, max-age=86400, immutable",
      etag: expect.stringMatching(/^".+"$/),
      "x-content-type-options": "nosniff",
    });
  });

  it("answers 304 to a client that has the same version", async () => {
    const media = await uploaded(await newAccount(), await makePng(8, 8), "image/png");
    const etag = (await getContent(media.id)).headers.get("etag") ?? "";
    const again = await getContent(media.id, { "if-none-match": `W/${etag}, "other"` });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    expect((await getContent(media.id, { "if-none-match": '"stale"' })).status).toBe(200);
  });
});

describe("DELETE /v1/media/:id", () => {
  it("when the owner deletes, then the file, its variants and its row are gone, and posts are told", async () => {
    const me = await newAccount();
    const media = await uploaded(me, await makePng(400, 10), "image/png");
    expect((await getContent(media.id, {}, "?variant=thumb")).status).toBe(200);
    expect((await env.MEDIA_BUCKET.list({ prefix: `variants/${media.id}/` })).objects).toHaveLength(1);

    const response = await call(request("DELETE", `/v1/media/${media.id}`, { token: me.accessToken }));
    expect(response.status).toBe(204);
    expect(await env.MEDIA_BUCKET.head(`media/${media.id}`)).toBeNull();
    expect((await env.MEDIA_BUCKET.list({ prefix: `variants/${media.id}/` })).objects).toHaveLength(0);
    expect(await mediaRow(media.id)).toBeNull();
    expect((await call(request("GET", `/v1/media/${media.id}`))).status).toBe(404);
    expect((await getContent(media.id)).status).toBe(404);

    const told = await receivedEvents(
      env.EVENT_SINK,
      "plaza-posts-events",
      (event) => event.type === "media.deleted" && event.data.mediaId === media.id,
    );
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ actorId: me.user.id, data: { mediaId: media.id, ownerId: me.user.id } });
  });

  it("when a delete is refused, then no event is published", async () => {
    const owner = await newAccount();
    const other = await newAccount();
    const media = await uploaded(owner, await makePng(8, 8), "image/png");
    const refused = await call(request("DELETE", `/v1/media/${media.id}`, { token: other.accessToken }));
    expect(refused.status).toBe(403);
    const missing = await call(
      request("DELETE", "/v1/media/med_00000000000000000000000000", { token: owner.accessToken }),
    );
    expect(missing.status).toBe(404);
    const told = await receivedEvents(
      env.EVENT_SINK,
      "plaza-posts-events",
      (event) => event.type === "media.deleted" && event.data.ownerId === owner.user.id,
      { atLeast: 1, timeoutMs: 1500 },
    );
    expect(told).toEqual([]);
    expect(await mediaRow(media.id)).not.toBeNull();
  });
});
