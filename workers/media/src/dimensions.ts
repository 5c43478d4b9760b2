/**
 * Width and height from an image's first bytes, without decoding it. PNG, GIF and WebP keep them
 * in a fixed header; JPEG in its frame header (SOFn), after any metadata segments, and turned by
 * the EXIF orientation. AVIF is left to the Images binding (its `ispe` boxes are easy to misread).
 */

import type { ImageType } from "./file-types";

export interface Dimensions {
  width: number;
  height: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, end));

function sized(width: number, height: number): Dimensions | null {
  return width > 0 && height > 0 ? { width, height } : null;
}

/** The PNG specification's bound on each side: its IHDR stores them as 31-bit numbers. */
const PNG_MAX_SIDE = 2 ** 31 - 1;

function png(bytes: Uint8Array): Dimensions | null {
  if (bytes.length < 24 || ascii(bytes, 12, 16) !== "IHDR") return null;
  return sized(view(bytes).getUint32(16), view(bytes).getUint32(20));
}

/**
 * Why an image's header cannot be a real image of its type, or null. Only PNG's fixed header says
 * enough to tell: each side must be from 1 to 2^31 - 1 pixels. (A 4294967295 x 4294967295 header
 * was stored, and reported as such, until 2026-12-06.)
 */
export function invalidHeader(type: ImageType, prefix: Uint8Array): string | null {
  if (type !== "image/png" || prefix.length < 24 || ascii(prefix, 12, 16) !== "IHDR") return null;
  const width = view(prefix).getUint32(16);
  const height = view(prefix).getUint32(20);
  const valid = (side: number) => side >= 1 && side <= PNG_MAX_SIDE;
  return valid(width) && valid(height)
    ? null
    : `its PNG header declares ${width} x ${height} pixels; each side must be 1 to ${PNG_MAX_SIDE}`;
}

function gif(bytes: Uint8Array): Dimensions | null {
  if (bytes.length < 10) return null;
  return sized(view(bytes).getUint16(6, true), view(bytes).getUint16(8, true));
}

function webp(bytes: Uint8Array): Dimensions | null {
  if (bytes.length < 30) return null;
  const data = view(bytes);
  const chunk = ascii(bytes, 12, 16);
  if (chunk === "VP8X") {
    const width = 1 + (data.getUint16(24, true) | ((bytes[26] ?? 0) << 16));
    const height = 1 + (data.getUint16(27, true) | ((bytes[29] ?? 0) << 16));
    return sized(width, height);
  }
  if (chunk === "VP8L" && bytes[20] === 0x2f) {
    const bits = data.getUint32(21, true);
    return sized(1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
  }
  if (chunk === "VP8 " && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
    return sized(data.getUint16(26, true) & 0x3fff, data.getUint16(28, true) & 0x3fff);
  }
  return null;
}

/** Frame headers that carry the size: SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpeg(bytes: Uint8Array): Dimensions | null {
  const data = view(bytes);
  let orientation = 1;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = data.getUint16(at + 2);
    if (marker === 0xda || length < 2) return null; // image data began before any frame header
    if (marker === 0xe1)
      orientation = exifOrientation(bytes.subarray(at + 4, at + 2 + length)) ?? orientation;
    if (isStartOfFrame(marker)) {
      if (at + 9 > bytes.length) return null;
      const height = data.getUint16(at + 5);
      const width = data.getUint16(at + 7);
      // Orientations 5 to 8 turn the picture a quarter: what viewers show is the other way round.
      return orientation >= 5 ? sized(height, width) : sized(width, height);
    }
    at += 2 + length;
  }
  return null;
}

/** The Orientation tag (0x0112) of an APP1 EXIF segment's first directory, if it has one. */
function exifOrientation(segment: Uint8Array): number | null {
  if (segment.length < 14 || ascii(segment, 0, 6) !== "Exif\0\0") return null;
  const tiff = segment.subarray(6);
  const data = view(tiff);
  const order = ascii(tiff, 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const little = order === "II";
  const directory = data.getUint32(4, little);
  if (directory + 2 > tiff.length) return null;
  const entries = data.getUint16(directory, little);
  for (let i = 0; i < entries; i++) {
    const entry = directory + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (data.getUint16(entry, little) === 0x0112) return data.getUint16(entry + 8, little);
  }
  return null;
}

const PARSERS: Partial<Record<ImageType, (bytes: Uint8Array) => Dimensions | null>> = {
  "image/png": png,
  "image/gif": gif,
  "image/webp": webp,
  "image/jpeg": jpeg,
};

/** The image's size when its first bytes show it; null when they do not (or for AVIF). */
export function dimensionsOf(type: ImageType, prefix: Uint8Array): Dimensions | null {
  const parse = PARSERS[type];
  if (!parse) return null;
  try {
    return parse(prefix);
  } catch (error) {
    // A header cut off mid-field reads past the end of the prefix: not known from these bytes.
    if (error instanceof RangeError) return null;
    throw error;
  }
}
