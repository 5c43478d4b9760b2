import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type SessionsDb = ReturnType<typeof sessionsDb>;

export function sessionsDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
