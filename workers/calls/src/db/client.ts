import { drizzleClients } from "../../../../lib/drizzle";
import * as schema from "./schema";

/** The service's drizzle client, made once per D1 binding (lib/drizzle.ts). */
export const callsDb = drizzleClients(schema);

export type CallsDb = ReturnType<typeof callsDb>;
