import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type NotificationsDb = ReturnType<typeof notificationsDb>;

export function notificationsDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

/** D1 binds at most 100 parameters per statement: long IN lists go in chunks of this many. */
const MAX_IN_LIST = 90;

export function inChunks<T>(values: T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += MAX_IN_LIST) chunks.push(values.slice(i, i + MAX_IN_LIST));
  return chunks;
}
