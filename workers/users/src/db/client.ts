import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type UsersDb = ReturnType<typeof usersDb>;

export function usersDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
