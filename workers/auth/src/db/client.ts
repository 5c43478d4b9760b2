import { drizzleClients } from "../../../../lib/drizzle";
import * as schema from "./schema";

/** The service's drizzle client, made once per D1 binding (lib/drizzle.ts). */
export const authDb = drizzleClients(schema);

export type AuthDb = ReturnType<typeof authDb>;
