import { drizzleClients } from "../../../../lib/drizzle";
import * as schema from "./schema";

/** The service's drizzle client, made once per D1 binding (lib/drizzle.ts). */
export const mediaDb = drizzleClients(schema);

export type MediaDb = ReturnType<typeof mediaDb>;
