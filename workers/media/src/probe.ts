import { AppError } from "../../../lib/errors";
import { describeError, log } from "../../../lib/logging";
import { type Dimensions, dimensionsOf, invalidHeader } from "./dimensions";
import { essenceOf, isImageType, isMediaType, MEDIA_TYPES, type MediaType, sniff } from "./file-types";

/** The declared content type, if it is one Plaza stores; 415 otherwise. */
export function acceptedType(header: string | undefined): MediaType {
  const type = essenceOf(header);
  if (type === null || !isMediaType(type)) {
    throw new AppError(
      "unsupported_media_type",
      `send one of ${MEDIA_TYPES.join(", ")}${type ? `, not ${type}` : " as the content-type"}`,
    );
  }
  return type;
}

/** 415 unless the file's first bytes are what its declared type says, with a header that can be real. */
export function requireMatchingBytes(declared: MediaType, prefix: Uint8Array): void {
  const actual = sniff(prefix);
  if (actual !== declared) {
    throw new AppError(
      "unsupported_media_type",
      actual
        ? `the file was declared ${declared} but it is ${actual}`
        : `the file was declared ${declared} but its bytes are not a file of that type`,
    );
  }
  const problem = isImageType(declared) ? invalidHeader(declared, prefix) : null;
  if (problem) throw new AppError("unsupported_media_type", `the file is not a valid image: ${problem}`);
}

/**
 * An image's width and height: from its first bytes when they show them, else from the Images
 * binding (AVIF, or a JPEG whose metadata pushes its frame header past the prefix). Unknown
 * (null) when neither can tell; the file is kept either way.
 */
export async function imageDimensions(
  images: ImagesBinding,
  type: MediaType,
  prefix: Uint8Array,
  whole: () => Promise<ReadableStream<Uint8Array> | null>,
): Promise<Dimensions | null> {
  if (!isImageType(type)) return null;
  const parsed = dimensionsOf(type, prefix);
  if (parsed) return parsed;
  const stream = await whole();
  if (!stream) return null;
  try {
    const info = await images.info(stream);
    return "width" in info ? { width: info.width, height: info.height } : null;
  } catch (error) {
    log("warn", "image dimensions unknown", { type, ...describeError(error) });
    return null;
  }
}
