/**
 * The kinds of file Plaza stores, and how to tell them from their first bytes. A declared
 * content type is believed only when the bytes say the same: a browser that sniffed an "image"
 * into HTML would make our origin run someone's script.
 */

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"] as const;
export const VIDEO_TYPES = ["video/mp4", "video/webm"] as const;
export const MEDIA_TYPES = [...IMAGE_TYPES, ...VIDEO_TYPES] as const;

export type ImageType = (typeof IMAGE_TYPES)[number];
export type MediaType = (typeof MEDIA_TYPES)[number];

/** A type read back from storage, where only accepted types are ever written. */
export function asMediaType(value: string): MediaType {
  if (!isMediaType(value)) throw new Error(`stored content type ${value} is not one we accept`);
  return value;
}

/** Enough of a file's start to recognize every type above. */
export const SNIFF_BYTES = 64;

export function isMediaType(value: string): value is MediaType {
  return (MEDIA_TYPES as readonly string[]).includes(value);
}

export function isImageType(value: string): value is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(value);
}

/** `image/PNG; charset=x` -> `image/png`; null when there is no header. */
export function essenceOf(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const essence = contentType.split(";", 1)[0]?.trim().toLowerCase();
  return essence ? essence : null;
}

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, end));

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
/** ISO base media brands that mean an MP4 video (QuickTime's "qt  " and HEIC do not). */
const MP4_BRANDS = new Set([
  "isom",
  "iso2",
  "iso3",
  "iso4",
  "iso5",
  "iso6",
  "mp41",
  "mp42",
  "avc1",
  "dash",
  "mmp4",
  "M4V ",
]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

/** The brands of an ISO BMFF `ftyp` box at the start of the file (major brand first). */
function ftypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== "ftyp") return null;
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const end = Math.min(boxSize, bytes.length);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

/** The type the file's first bytes (at least SNIFF_BYTES of them, when it has that many) show. */
export function sniff(bytes: Uint8Array): MediaType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, PNG_SIGNATURE)) return "image/png";
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6))) return "image/gif";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") {
    return "image/webp";
  }
  const brands = ftypBrands(bytes);
  if (brands) {
    if (brands.some((brand) => AVIF_BRANDS.has(brand))) return "image/avif";
    if (brands.some((brand) => MP4_BRANDS.has(brand))) return "video/mp4";
    return null;
  }
  // WebM is Matroska with the DocType "webm", which sits in the EBML header right after the magic.
  if (startsWith(bytes, EBML_MAGIC) && ascii(bytes, 4, SNIFF_BYTES).includes("webm")) return "video/webm";
  return null;
}
