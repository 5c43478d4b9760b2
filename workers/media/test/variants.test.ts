import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../../lib/testing/http";
import { dimensionsOf } from "../src/dimensions";
import { sniff } from "../src/file-types";
import { convert, makeGif, makePng } from "./fixtures";
import { bytesOf, getContent, newAccount, uploaded } from "./worker";

const BROWSER = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";

async function variant(id: string, name: "thumb" | "medium", accept?: string) {
  const response = await getContent(id, accept ? { accept } : {}, `?variant=${name}`);
  expect(response.status).toBe(200);
  const bytes = await bytesOf(response);
  return { response, bytes, type: sniff(bytes) };
}

/** The width of an image as the Images binding (sharp) reads it: independent of our own parsers. */
async function widthOf(bytes: Uint8Array): Promise<number | null> {
  const info = await env.IMAGES.info(new Blob([bytes]).stream());
  return "width" in info ? info.width : null;
}

describe("GET /v1/media/:id/content?variant=", () => {
  it("sends AVIF to a browser that names it, 320 px wide for thumb and 1080 for medium", async () => {
    const media = await uploaded(await newAccount(), await makePng(1500, 30), "image/png");
    const thumb = await variant(media.id, "thumb", BROWSER);
    expect(thumb.type).toBe("image/avif");
    expect(thumb.response.headers.get("content-type")).toBe("image/avif");
    expect(thumb.response.headers.get("vary")).toBe("accept");
    expect(await widthOf(thumb.bytes)).toBe(320);
    const medium = await variant(media.id, "medium", BROWSER);
    expect(await widthOf(medium.bytes)).toBe(1080);
  });

  it("sends WebP when that is the best the client names", async () => {
    const media = await uploaded(await newAccount(), await makePng(640, 40), "image/png");
    const { type, bytes } = await variant(media.id, "thumb", "image/avif;q=0, image/webp, */*;q=0.5");
    expect(type).toBe("image/webp");
    expect(dimensionsOf("image/webp", bytes)).toEqual({ width: 320, height: 20 });
  });

  it.each([
    ["a PNG stays PNG", "image/png" as const, "image/png"],
    ["a JPEG stays JPEG", "image/jpeg" as const, "image/jpeg"],
    ["a WebP becomes JPEG", "image/webp" as const, "image/jpeg"],
  ])("without AVIF or WebP in Accept, %s", async (_name, original, expected) => {
    const png = await makePng(480, 48);
    const bytes = original === "image/png" ? png : await convert(png, original);
    const media = await uploaded(await newAccount(), bytes, original);
    const thumb = await variant(media.id, "thumb", "image/png,image/jpeg,*/*");
    expect(thumb.type).toBe(expected);
    expect(dimensionsOf(expected === "image/png" ? "image/png" : "image/jpeg", thumb.bytes)).toEqual({
      width: 320,
      height: 32,
    });
  });

  it("gives a GIF's first frame as JPEG without an Accept header", async () => {
    const media = await uploaded(await newAccount(), makeGif(2, 2), "image/gif");
    expect((await variant(media.id, "thumb")).type).toBe("image/jpeg");
  });

  it("never enlarges a small image", async () => {
    const media = await uploaded(await newAccount(), await makePng(200, 100), "image/png");
    const { bytes } = await variant(media.id, "medium", "image/webp");
    expect(dimensionsOf("image/webp", bytes)).toEqual({ width: 200, height: 100 });
  });

  it("makes each variant once: the next request is served from R2, with range support", async () => {
    const png = await makePng(800, 20);
    const media = await uploaded(await newAccount(), png, "image/png");
    const first = await variant(media.id, "thumb", "image/webp");
    const key = `variants/${media.id}/thumb.webp`;
    const stored = await env.MEDIA_BUCKET.get(key);
    expect(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(first.bytes);

    // Replace the stored variant with a marker: if the next answer has it, nothing was regenerated.
    const marker = new TextEncoder().encode("RIFF0000WEBPcached");
    await env.MEDIA_BUCKET.put(key, marker, { httpMetadata: { contentType: "image/webp" } });
    const second = await getContent(media.id, { accept: "image/webp" }, "?variant=thumb");
    expect(await bytesOf(second)).toEqual(marker);
    const ranged = await getContent(media.id, { accept: "image/webp", range: "bytes=0-3" }, "?variant=thumb");
    expect(ranged.status).toBe(206);
    expect(new TextDecoder().decode(await bytesOf(ranged))).toBe("RIFF");
    const past = await getContent(media.id, { accept: "image/webp", range: "bytes=100-" }, "?variant=thumb");
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${marker.byteLength}`);
    expect(past.headers.get("vary")).toBe("accept");
    expect((await errorOf(past)).code).toBe("range_not_satisfiable");

    // The original is untouched, and each negotiated format has its own entry.
    expect(await bytesOf(await getContent(media.id))).toEqual(png);
    await variant(media.id, "thumb");
    const keys = (await env.MEDIA_BUCKET.list({ prefix: `variants/${media.id}/` })).objects.map((o) => o.key);
    expect(keys.sort()).toEqual([`variants/${media.id}/thumb.fallback`, key]);
  });
});
