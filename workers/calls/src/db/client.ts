import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type CallsDb = ReturnType<typeof callsDb>;

export function callsDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
