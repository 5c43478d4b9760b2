import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type PostsDb = ReturnType<typeof postsDb>;

export function postsDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
