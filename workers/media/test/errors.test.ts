import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf, request } from "../../../lib/testing/http";
import { convert, makeGif, makeMp4, makePng, makeWebm, patterned } from "./fixtures";
import { call, fileRequest, getContent, newAccount, objectCount, rowsOf, uploaded } from "./worker";

const QUOTA = Number(env.MEDIA_QUOTA_BYTES);

/** A real 4 x 4 PNG whose IHDR is rewritten to declare `side` x `side` pixels. */
async function pngDeclaring(side: number): Promise<Uint8Array> {
  const bytes = await makePng(4, 4);
  const header = new DataView(bytes.buffer, bytes.byteOffset);
  header.setUint32(16, side);
  header.setUint32(20, side);
  return bytes;
}

async function post(token: string, bytes: Uint8Array, type?: string, headers: Record<string, string> = {}) {
  return call(fileRequest("POST", "/v1/media", bytes, { token, ...(type && { type }), headers }));
}

describe("the declared type must be the file's", () => {
  it.each([
    ["a JPEG declared as PNG", "image/png", async () => convert(await makePng(4, 4), "image/jpeg")],
    ["a PNG declared as JPEG", "image/jpeg", async () => makePng(4, 4)],
    ["a GIF declared as WebP", "image/webp", async () => makeGif(2, 2)],
    ["a WebM declared as MP4", "video/mp4", async () => makeWebm(200)],
    ["an MP4 declared as AVIF", "image/avif", async () => makeMp4(200)],
    ["Matroska declared as WebM", "video/webm", async () => makeWebm(200, "matroska")],
    ["random bytes declared as PNG", "image/png", async () => patterned(300)],
    ["HTML declared as GIF", "image/gif", async () => new TextEncoder().encode("<html><script>x</script>")],
    ["three bytes declared as JPEG", "image/jpeg", async () => new Uint8Array([0xff, 0xd8, 0x00])],
    [
      "a PNG whose header declares 4294967295 x 4294967295",
      "image/png",
      async () => pngDeclaring(2 ** 32 - 1),
    ],
    ["a PNG whose header declares a side of 0", "image/png", async () => pngDeclaring(0)],
  ])("refuses %s with 415, storing nothing", async (_name, type, make) => {
    const me = await newAccount();
    const before = await objectCount("media/");
    const response = await post(me.accessToken, await make(), type);
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe("unsupported_media_type");
    expect(await rowsOf(me.user.id)).toBe(0);
    expect(await objectCount("media/")).toBe(before);
  });

  it.each([
    ["HTML", "text/html"],
    ["SVG (it can carry script)", "image/svg+xml"],
    ["unlabelled bytes", "application/octet-stream"],
    ["JSON", "application/json"],
    ["QuickTime", "video/quicktime"],
  ])("refuses %s with 415 before reading the file", async (_name, type) => {
    const me = await newAccount();
    const response = await post(me.accessToken, await makePng(4, 4), type);
    expect(response.status).toBe(415);
    expect((await errorOf(response)).message).toMatch(/send one of image\/jpeg/);
  });

  it("refuses a file without a content-type with 415", async () => {
    const me = await newAccount();
    const response = await call(
      new Request("https://plaza.test/v1/media", {
        method: "POST",
        headers: { authorization: `Bearer ${me.accessToken}`, "content-length": "4" },
        body: new Uint8Array([1, 2, 3, 4]),
      }),
    );
    expect(response.status).toBe(415);
  });
});

describe("sizes", () => {
  it("refuses an empty file with 400", async () => {
    const me = await newAccount();
    const response = await post(me.accessToken, new Uint8Array(), "image/png");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/empty/);
  });

  it("refuses a file over 100 MiB with 413 before reading it", async () => {
    const me = await newAccount();
    const response = await post(me.accessToken, await makePng(4, 4), "image/png", {
      "content-length": String(100 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
  });

  it("refuses a body without content-length (chunked) with 400", async () => {
    const me = await newAccount();
    const png = await makePng(4, 4);
    const response = await call(
      new Request("https://plaza.test/v1/media", {
        method: "POST",
        headers: { authorization: `Bearer ${me.accessToken}`, "content-type": "image/png" },
        // A stream of unknown length: what a client sending chunked transfer encoding gives.
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(png);
            controller.close();
          },
        }),
      }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/content-length/);
  });

  it("refuses a body shorter than its content-length with 400, storing nothing", async () => {
    const me = await newAccount();
    const before = await objectCount("media/");
    const response = await post(me.accessToken, makeMp4(70_000), "video/mp4", { "content-length": "80000" });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/content-length/);
    expect(await rowsOf(me.user.id)).toBe(0);
    expect(await objectCount("media/")).toBe(before);
  });

  it("refuses JSON bodies over 64 KiB with 413", async () => {
    const me = await newAccount();
    const response = await call(
      request("POST", "/v1/media/uploads", {
        token: me.accessToken,
        body: { contentType: "video/mp4", size: 10, filename: "x".repeat(70_000) },
      }),
    );
    expect(response.status).toBe(413);
  });
});

describe("the storage quota", () => {
  it("refuses a file that does not fit, counting uploads in progress, until they are aborted", async () => {
    const me = await newAccount();
    const start = await call(
      request("POST", "/v1/media/uploads", {
        token: me.accessToken,
        body: { contentType: "video/mp4", size: QUOTA - 100, filename: "big.mp4" },
      }),
    );
    expect(start.status).toBe(201);
    const { uploadId } = (await start.json()) as { uploadId: string };

    const png = await makePng(10, 10);
    expect(png.byteLength).toBeGreaterThan(100);
    const refused = await post(me.accessToken, png, "image/png");
    expect(refused.status).toBe(413);
    expect((await errorOf(refused)).message).toMatch(/quota/);
    expect(await rowsOf(me.user.id)).toBe(1);

    const aborted = await call(request("DELETE", `/v1/media/uploads/${uploadId}`, { token: me.accessToken }));
    expect(aborted.status).toBe(204);
    expect((await post(me.accessToken, png, "image/png")).status).toBe(201);
  });

  it("refuses to start an upload larger than the whole quota with 413", async () => {
    const me = await newAccount();
    const response = await call(
      request("POST", "/v1/media/uploads", {
        token: me.accessToken,
        body: { contentType: "video/mp4", size: QUOTA + 1, filename: "huge.mp4" },
      }),
    );
    expect(response.status).toBe(413);
    expect(await rowsOf(me.user.id)).toBe(0);
  });

  it("is each user's own", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    await call(
      request("POST", "/v1/media/uploads", {
        token: ada.accessToken,
        body: { contentType: "video/mp4", size: QUOTA, filename: "all.mp4" },
      }),
    );
    await uploaded(bob, await makePng(4, 4), "image/png");
  });
});

describe("reading", () => {
  it("answers 404 for an unknown media and 400 for an impossible id", async () => {
    const unknown = "med_01J9Z3V6Q3K8T1M2N4P5R6S7T8";
    expect((await call(request("GET", `/v1/media/${unknown}`))).status).toBe(404);
    // Every way of asking for the bytes (plain, ranged, conditional, a variant) gets the error body.
    for (const [headers, query] of [
      [{}, ""],
      [{ range: "bytes=0-9" }, ""],
      [{ "if-none-match": '"abc"' }, ""],
      [{}, "?variant=thumb"],
      [{ range: "bytes=0-9" }, "?variant=thumb"],
    ] as const) {
      const response = await getContent(unknown, headers, query);
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
    const bad = await call(request("GET", "/v1/media/not-an-id"));
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).details?.[0]?.path).toBe("path.id");
  });

  it.each([
    ["an unknown variant", "?variant=huge", "query.variant"],
    ["an unknown parameter", "?width=10", "query.width"],
  ])("refuses %s with 400", async (_name, query, path) => {
    const media = await uploaded(await newAccount(), await makePng(4, 4), "image/png");
    const response = await getContent(media.id, {}, query);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.map((d) => d.path)).toContain(path);
  });

  it("refuses a variant of a video with 400", async () => {
    const media = await uploaded(await newAccount(), makeMp4(500), "video/mp4");
    const response = await getContent(media.id, {}, "?variant=thumb");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/only images/);
  });

  it("refuses a variant of an image that cannot be decoded with 415 (not 500)", async () => {
    const broken = (await makePng(20, 20)).slice(0, 40);
    const media = await uploaded(await newAccount(), broken, "image/png");
    const response = await getContent(media.id, {}, "?variant=thumb");
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe("unsupported_media_type");
  });
});
