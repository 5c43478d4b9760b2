/**
 * Real files made in the test: PNGs written byte by byte (zlib from CompressionStream), other
 * image formats converted from them by the Images binding, and the first bytes of videos.
 */
import { env } from "cloudflare:workers";

const encoder = new TextEncoder();

export function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat(encoder.encode(type), data);
  return concat(u32(data.byteLength), body, u32(crc32(body)));
}

async function zlib(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An 8-bit RGB PNG of a colour gradient. */
export async function makePng(width: number, height: number): Promise<Uint8Array> {
  const rows = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows.set([x % 256, y % 256, (x + y) % 256], row + 1 + x * 3);
    }
  }
  const header = concat(u32(width), u32(height), new Uint8Array([8, 2, 0, 0, 0]));
  return concat(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", await zlib(rows)),
    chunk("IEND", new Uint8Array()),
  );
}

/** The same picture in another format, through the Images binding (sharp, locally). */
export async function convert(
  png: Uint8Array,
  format: "image/jpeg" | "image/webp" | "image/avif",
): Promise<Uint8Array> {
  const result = await env.IMAGES.input(new Blob([png]).stream()).output({ format });
  return new Uint8Array(await new Response(result.image()).arrayBuffer());
}

/** A JPEG with an EXIF APP1 segment right after SOI that says Orientation = `orientation`. */
export function withExifOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  const tiff = new Uint8Array([
    ...encoder.encode("MM"),
    0x00,
    0x2a,
    0,
    0,
    0,
    8, // big-endian TIFF, first directory at 8
    0,
    1, // one entry
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0, // Orientation, SHORT, 1 value
    0,
    0,
    0,
    0, // no next directory
  ]);
  const payload = concat(encoder.encode("Exif\0\0"), tiff);
  const segment = concat(
    new Uint8Array([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]),
    payload,
  );
  return concat(jpeg.subarray(0, 2), segment, jpeg.subarray(2));
}

/** A JPEG whose frame header sits past the first 64 KiB (two big APP2 segments before it). */
export function withLargeMetadata(jpeg: Uint8Array): Uint8Array {
  const app2 = () => concat(new Uint8Array([0xff, 0xe2, 0xff, 0xff]), new Uint8Array(0xffff - 2));
  return concat(jpeg.subarray(0, 2), app2(), app2(), jpeg.subarray(2));
}

/** A GIF's header and a one-pixel image: enough for its type and size. */
export function makeGif(width: number, height: number): Uint8Array {
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint16(0, width, true);
  new DataView(size.buffer).setUint16(2, height, true);
  return concat(
    encoder.encode("GIF89a"),
    size,
    new Uint8Array([0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff]),
    new Uint8Array([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]),
  );
}

/** An MP4's `ftyp` box followed by `length` bytes of (not really) video. */
export function makeMp4(length = 4096): Uint8Array {
  const ftyp = concat(u32(24), encoder.encode("ftypisom"), u32(512), encoder.encode("isommp41"));
  return concat(ftyp, patterned(Math.max(0, length - ftyp.byteLength)));
}

/** A WebM's EBML header (DocType "webm") followed by `length` bytes in all. */
export function makeWebm(length = 4096, docType = "webm"): Uint8Array {
  const doc = encoder.encode(docType);
  const header = concat(
    new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x80 | (doc.length + 3)]),
    new Uint8Array([0x42, 0x82, 0x80 | doc.length]),
    doc,
  );
  return concat(header, patterned(Math.max(0, length - header.byteLength)));
}

/** Bytes that differ from position to position, so a wrong offset shows. */
export function patterned(length: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}
