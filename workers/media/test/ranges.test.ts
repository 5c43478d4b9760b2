import { beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "../../../lib/testing/http";
import { makeMp4 } from "./fixtures";
import { bytesOf, getContent, newAccount, uploaded } from "./worker";

// A "video" of 10,000 bytes, each position distinguishable, so a wrong offset shows.
const SIZE = 10_000;
const video = makeMp4(SIZE);
let id = "";

beforeAll(async () => {
  id = (await uploaded(await newAccount(), video, "video/mp4")).id;
});

describe("GET /v1/media/:id/content with Range (video seeking)", () => {
  it.each([
    ["the first 100 bytes", "bytes=0-99", 0, 99],
    ["a range in the middle", "bytes=4096-8191", 4096, 8191],
    ["everything from an offset", "bytes=9990-", 9990, SIZE - 1],
    ["the last 500 bytes (a suffix)", "bytes=-500", SIZE - 500, SIZE - 1],
    ["a suffix longer than the file (all of it)", "bytes=-20000", 0, SIZE - 1],
    ["a range running past the end (cut at the end)", "bytes=9000-20000", 9000, SIZE - 1],
    ["a single byte", "bytes=0-0", 0, 0],
  ])("sends %s with 206 and content-range", async (_name, range, first, last) => {
    const response = await getContent(id, { range });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${first}-${last}/${SIZE}`);
    expect(response.headers.get("content-length")).toBe(String(last - first + 1));
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("etag")).toBeTruthy();
    expect(await bytesOf(response)).toEqual(video.subarray(first, last + 1));
  });

  it.each([
    ["starting at the end", "bytes=10000-"],
    ["starting past the end", "bytes=20000-30000"],
    ["an empty suffix", "bytes=-0"],
  ])("answers 416 with the file's size and the error body to a range %s", async (_name, range) => {
    const response = await getContent(id, { range, "x-request-id": "req-range-416" });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${SIZE}`);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    // The body is an error, not the file: no cache may keep it, and it has no ETag of the file.
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("etag")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: "range_not_satisfiable", requestId: "req-range-416" });
    expect(error.message).toContain(`${SIZE} bytes`);
  });

  it.each([
    ["several ranges", "bytes=0-1,5-6"],
    ["a range it cannot read", "bytes=abc"],
    ["another unit", "items=0-5"],
    ["a range that ends before it starts", "bytes=50-10"],
  ])("ignores %s and sends the whole file", async (_name, range) => {
    const response = await getContent(id, { range });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-range")).toBeNull();
    expect((await bytesOf(response)).byteLength).toBe(SIZE);
  });

  it("honours If-Range: the range while the client's tag is this file's, else the whole file", async () => {
    const etag = (await getContent(id)).headers.get("etag") ?? "";
    expect(etag).toMatch(/^"/);
    const current = await getContent(id, { range: "bytes=0-9", "if-range": etag });
    expect(current.status).toBe(206);
    expect(current.headers.get("content-range")).toBe(`bytes 0-9/${SIZE}`);
    // Another version's tag, a weak tag (never good enough for a range) or a date (this service
    // sends no Last-Modified to compare it with): the client's copy may differ, so all of it.
    for (const ifRange of ['"another-version"', `W/${etag}`, "Wed, 21 Oct 2015 07:28:00 GMT"]) {
      const response = await getContent(id, { range: "bytes=0-9", "if-range": ifRange });
      expect(response.status, ifRange).toBe(200);
      expect(response.headers.get("content-range")).toBeNull();
      expect((await bytesOf(response)).byteLength).toBe(SIZE);
    }
  });

  it("answers 304 rather than a range when the client has this version", async () => {
    const etag = (await getContent(id)).headers.get("etag") ?? "";
    const response = await getContent(id, { range: "bytes=0-9", "if-none-match": etag });
    expect(response.status).toBe(304);
  });
});
