import type { ImageType } from "./file-types";

/** The modern formats a variant can take, when the client says it decodes them. */
export type ModernFormat = "image/avif" | "image/webp";

/** The quality (q) the Accept header gives one exact media type; 0 when it does not name it. */
function qualityOf(accept: string, type: string): number {
  for (const part of accept.split(",")) {
    const [name = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    if (name !== type) continue;
    const q = params.find((param) => param.startsWith("q="));
    const value = q === undefined ? 1 : Number(q.slice(2));
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

/**
 * AVIF, else WebP, when the client names it in Accept (wildcards do not count: browsers that decode
 * these formats list them by name). Null means the client gets the fallback format.
 */
export function preferredFormat(accept: string | null): ModernFormat | null {
  if (!accept) return null;
  const avif = qualityOf(accept, "image/avif");
  const webp = qualityOf(accept, "image/webp");
  if (avif > 0 && avif >= webp) return "image/avif";
  if (webp > 0) return "image/webp";
  return null;
}

/** What a client that decodes neither AVIF nor WebP gets: PNG stays PNG (transparency), else JPEG. */
export function fallbackFormat(original: ImageType): "image/png" | "image/jpeg" {
  return original === "image/png" ? "image/png" : "image/jpeg";
}
