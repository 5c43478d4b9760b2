import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type NotificationsDb = ReturnType<typeof notificationsDb>;

export function notificationsDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

export { inChunks } from "../../../../lib/db";
