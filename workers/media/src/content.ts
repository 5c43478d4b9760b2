import { AppError } from "../../../lib/errors";
import { describeError, log } from "../../../lib/logging";
import type { MediaDeps } from "./deps";
import { isImageType } from "./file-types";
import { fallbackFormat, preferredFormat } from "./negotiation";
import type { VariantName } from "./schemas";
import { originalKey, type ServeContext, serveObject, variantKey } from "./storage";

/** Variant widths in pixels; images narrower than that keep their size. */
export const VARIANT_WIDTHS: Record<VariantName, number> = { thumb: 320, medium: 1080 };

const noSuchMedia = () => new AppError("not_found", "no such media");

/**
 * A media's bytes (the original, or a variant of an image) as the answer to the request. Reads go
 * straight to R2: a file is in the bucket only once its bytes are complete.
 */
export async function serveContent(
  deps: MediaDeps,
  id: string,
  variant: VariantName | undefined,
  context: ServeContext,
): Promise<Response> {
  const response = variant
    ? await serveVariant(deps, id, variant, context)
    : await serveObject(deps.bucket, originalKey(id), context);
  if (!response) throw noSuchMedia();
  return response;
}

/**
 * An image resized to the variant's width, in AVIF or WebP when the Accept header names them, else
 * in the original's format (PNG) or JPEG. Each is made once by the Images binding and kept in R2
 * under a key per variant and negotiated format, so the common case is one R2 read.
 */
async function serveVariant(
  deps: MediaDeps,
  id: string,
  variant: VariantName,
  context: ServeContext,
): Promise<Response | null> {
  const preferred = preferredFormat(context.request.headers.get("accept"));
  const key = variantKey(id, variant, preferred ?? "fallback");
  const headers = { vary: "accept" };
  const cached = await serveObject(deps.bucket, key, context, headers);
  if (cached) return cached;

  const original = await deps.bucket.get(originalKey(id));
  if (!original) return null;
  const type = original.httpMetadata?.contentType ?? "";
  if (!isImageType(type)) {
    await original.body.cancel();
    throw new AppError("bad_request", "only images have variants");
  }
  const format = preferred ?? fallbackFormat(type);
  const bytes = await resize(deps.images, original.body, VARIANT_WIDTHS[variant], format);
  await deps.bucket.put(key, bytes, { httpMetadata: { contentType: format } });
  return serveObject(deps.bucket, key, context, headers);
}

/**
 * Images binding failures carry a numeric code (9xxx). They are nearly all about the input, and
 * the local binding reports every one as 9523, so any is taken for an image we cannot decode.
 */
function imagesErrorCode(error: unknown): number | null {
  return error instanceof Error && "code" in error && typeof error.code === "number" ? error.code : null;
}

async function resize(
  images: ImagesBinding,
  source: ReadableStream<Uint8Array>,
  width: number,
  format: "image/avif" | "image/webp" | "image/png" | "image/jpeg",
): Promise<ArrayBuffer> {
  try {
    const result = await images.input(source).transform({ width, fit: "scale-down" }).output({ format });
    return await new Response(result.image()).arrayBuffer();
  } catch (error) {
    const code = imagesErrorCode(error);
    if (code === null) throw error;
    log("warn", "variant failed", { format, code, ...describeError(error) });
    throw new AppError("unsupported_media_type", "this image cannot be decoded, so it has no variants");
  }
}
