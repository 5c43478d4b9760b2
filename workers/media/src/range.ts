/**
 * Single byte ranges (RFC 9110, 14): `bytes=a-b`, `bytes=a-` and the suffix `bytes=-n`. A header we
 * cannot read, or one asking for several ranges, is ignored and the whole file sent, as the RFC
 * allows; a range that starts past the end cannot be served at all (416).
 */

export type ByteRange =
  | { kind: "from"; start: number; end: number | null }
  | { kind: "suffix"; length: number };

/** The bytes to send: R2's `{offset, length}`. */
export interface ResolvedRange {
  offset: number;
  length: number;
}

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

export function parseRange(header: string | null): ByteRange | null {
  if (header === null) return null;
  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") return { kind: "suffix", length: Number(last) };
  const start = Number(first);
  const end = last === "" ? null : Number(last);
  if (!Number.isSafeInteger(start) || (end !== null && (!Number.isSafeInteger(end) || end < start))) {
    return null;
  }
  return { kind: "from", start, end };
}

/** The range within a file of `size` bytes, or "unsatisfiable" when none of it exists. */
export function resolveRange(range: ByteRange, size: number): ResolvedRange | "unsatisfiable" {
  if (range.kind === "suffix") {
    if (range.length === 0 || size === 0) return "unsatisfiable";
    const length = Math.min(range.length, size);
    return { offset: size - length, length };
  }
  if (range.start >= size) return "unsatisfiable";
  const last = range.end === null ? size - 1 : Math.min(range.end, size - 1);
  return { offset: range.start, length: last - range.start + 1 };
}

export function contentRange({ offset, length }: ResolvedRange, size: number): string {
  return `bytes ${offset}-${offset + length - 1}/${size}`;
}
