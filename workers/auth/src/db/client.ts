import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type AuthDb = ReturnType<typeof authDb>;

export function authDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
