import { drizzleClients } from "../../../../lib/drizzle";
import * as schema from "./schema";

/** The service's drizzle client, made once per D1 binding (lib/drizzle.ts). */
export const usersDb = drizzleClients(schema);

export type UsersDb = ReturnType<typeof usersDb>;
