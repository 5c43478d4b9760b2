import { z } from "@hono/zod-openapi";
import { decimalIntegerOr } from "./decimal";
import { AppError } from "./errors";
import { base64url, fromBase64url } from "./ids";

/** `?limit=&cursor=` for every paged list: 1 to 100 items, 20 by default. */
export const PageQuery = z.strictObject({
  limit: decimalIntegerOr(1, 100, 20),
  cursor: z.string().min(1).max(512).optional().openapi({ description: "nextCursor of the previous page" }),
});

/** A keyset position: the sort key and the id of the last item of a page. */
export const KeysetCursor = z.strictObject({ at: z.number().int(), id: z.string().min(1).max(64) });
export type KeysetCursor = z.infer<typeof KeysetCursor>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Cursors are opaque to clients: base64url JSON that we validate on the way back in. */
export function encodeCursor(value: unknown): string {
  return base64url(encoder.encode(JSON.stringify(value)));
}

export function decodeCursor<T>(schema: z.ZodType<T>, cursor: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(fromBase64url(cursor)));
  } catch {
    throw invalidCursor();
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw invalidCursor();
  return result.data;
}

function invalidCursor(): AppError {
  return new AppError("validation_failed", "the cursor is not valid", {
    details: [{ path: "query.cursor", message: "not a cursor this list returned" }],
  });
}

/** A page of `limit` items from a query that fetched `limit + 1`, and the cursor of the next one. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (last: T) => unknown) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null;
  return { items, nextCursor };
}
