import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type MediaDb = ReturnType<typeof mediaDb>;

export function mediaDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
