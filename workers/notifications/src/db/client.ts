import { drizzleClients } from "../../../../lib/drizzle";
import * as schema from "./schema";

/** The service's drizzle client, made once per D1 binding (lib/drizzle.ts). */
export const notificationsDb = drizzleClients(schema);

export type NotificationsDb = ReturnType<typeof notificationsDb>;

export { inChunks } from "../../../../lib/db";
