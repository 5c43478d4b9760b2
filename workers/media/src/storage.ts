/**
 * The bucket's layout and how an object in it is served: ETag, caching, single byte ranges and
 * revalidation. Objects are never rewritten (a key names one media or one variant of it), so a
 * range and the head it was checked against always describe the same bytes.
 */

import { errorBody } from "../../../lib/errors";
import { contentRange, parseRange, resolveRange } from "./range";

export const originalKey = (mediaId: string) => `media/${mediaId}`;

/** Variants are kept per negotiated outcome: AVIF, WebP, or the fallback for everyone else. */
export type VariantSlot = "image/avif" | "image/webp" | "fallback";
const SLOTS: VariantSlot[] = ["image/avif", "image/webp", "fallback"];

export const variantKey = (mediaId: string, variant: string, slot: VariantSlot) =>
  `variants/${mediaId}/${variant}.${slot.replace("image/", "")}`;

/** Every variant a media may have, for deleting them with it. */
export function allVariantKeys(mediaId: string): string[] {
  return ["thumb", "medium"].flatMap((variant) => SLOTS.map((slot) => variantKey(mediaId, variant, slot)));
}

/**
 * Files are immutable: a cache may keep one for a day without asking again. The day (rather than
 * a year) bounds how long a deleted file can still be served from caches.
 */
export const CACHE_CONTROL = "public, max-age=86400, immutable";

/**
 * User files are served from the API's own origin: the browser must never run them (nosniff,
 * and a sandbox in case one is opened as a page), and other sites may embed them.
 */
const SAFETY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cross-origin-resource-policy": "cross-origin",
} as const;

function headersOf(object: R2Object, extra: HeadersInit): Headers {
  const headers = new Headers(extra);
  for (const [name, value] of Object.entries(SAFETY_HEADERS)) headers.set(name, value);
  headers.set("content-type", object.httpMetadata?.contentType ?? "application/octet-stream");
  headers.set("etag", object.httpEtag);
  headers.set("cache-control", CACHE_CONTROL);
  headers.set("accept-ranges", "bytes");
  return headers;
}

/** If-None-Match against an ETag: `*`, or a list of (weak or strong) tags compared weakly. */
function noneMatch(header: string, httpEtag: string): boolean {
  const tag = httpEtag.replace(/^W\//, "");
  return (
    header.trim() === "*" ||
    header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === tag)
  );
}

/**
 * Whether a Range still applies under If-Range (RFC 9110, 13.1.5): only while the client's copy is
 * this file, which an entity tag says by matching ours strongly. A weak tag never does, nor a date
 * (no Last-Modified is sent to compare it with); then the whole file is the answer.
 */
function rangeApplies(ifRange: string | null, httpEtag: string): boolean {
  return ifRange === null || ifRange.trim() === httpEtag;
}

function full(object: R2ObjectBody, extra: HeadersInit): Response {
  const headers = headersOf(object, extra);
  headers.set("content-length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}

/**
 * 416 for a range that starts at or past the end: content-range says where the file ends, and the
 * standard error body lets clients read every failure the same way. The
 * body is not the file, so it carries no ETag, and it answers one request, so no cache keeps it.
 */
function rangeNotSatisfiable(head: R2Object, extra: HeadersInit, requestId: string): Response {
  const headers = headersOf(head, extra);
  headers.delete("etag");
  headers.set("cache-control", "no-store");
  headers.set("content-range", `bytes */${head.size}`);
  headers.set("content-type", "application/json; charset=utf-8");
  const message = `the range starts at or past the end of the file (${head.size} bytes)`;
  return new Response(JSON.stringify(errorBody("range_not_satisfiable", message, requestId)), {
    status: 416,
    headers,
  });
}

/** What serveObject needs besides the object: the request it answers and that request's id. */
export interface ServeContext {
  request: Request;
  /** For the error body of a 416. */
  requestId: string;
}

/**
 * The object at `key` as the answer to the request (200, 206, 304 or 416; a Range under an If-Range
 * that does not match gets the whole file), or null when there is no such object. A plain GET
 * costs one R2 read; a ranged or conditional one reads the head first.
 */
export async function serveObject(
  bucket: R2Bucket,
  key: string,
  { request, requestId }: ServeContext,
  extra: HeadersInit = {},
): Promise<Response | null> {
  const range = parseRange(request.headers.get("range"));
  const ifNoneMatch = request.headers.get("if-none-match");
  if (range === null && ifNoneMatch === null) {
    const object = await bucket.get(key);
    return object && full(object, extra);
  }

  const head = await bucket.head(key);
  if (!head) return null;
  if (ifNoneMatch !== null && noneMatch(ifNoneMatch, head.httpEtag)) {
    return new Response(null, { status: 304, headers: headersOf(head, extra) });
  }
  if (range === null || !rangeApplies(request.headers.get("if-range"), head.httpEtag)) {
    const object = await bucket.get(key);
    return object && full(object, extra);
  }
  const resolved = resolveRange(range, head.size);
  if (resolved === "unsatisfiable") return rangeNotSatisfiable(head, extra, requestId);
  const object = await bucket.get(key, { range: resolved });
  if (!object) return null;
  const headers = headersOf(object, extra);
  headers.set("content-range", contentRange(resolved, head.size));
  headers.set("content-length", String(resolved.length));
  return new Response(object.body, { status: 206, headers });
}
