import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type MessagingDb = ReturnType<typeof messagingDb>;

export function messagingDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
