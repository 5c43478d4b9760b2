import { log } from "../../../lib/logging";
import { EXPO_RECEIPT_BATCH, fetchExpoReceipts, isDeviceGone } from "./channels/expo";
import { deleteExpoTickets, deleteExpoTokens, dueExpoTickets } from "./db/targets";
import type { NotificationDeps } from "./deps";

/** Expo keeps receipts for a day; a ticket older than that will never get one. */
const RECEIPT_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Fetches the receipts of Expo tickets sent long enough ago (from the scheduled handler): a
 * DeviceNotRegistered receipt removes the token; a ticket with a receipt, or too old to get one, is
 * forgotten; the others wait for the next run.
 */
export async function collectExpoReceipts(
  deps: NotificationDeps,
): Promise<{ checked: number; removed: number }> {
  const config = deps.providers.expo;
  const due = await dueExpoTickets(deps.db, deps.now - config.receiptDelayMs, EXPO_RECEIPT_BATCH);
  if (due.length === 0) return { checked: 0, removed: 0 };
  const receipts = await fetchExpoReceipts(
    config,
    due.map((ticket) => ticket.ticketId),
  );
  const gone: string[] = [];
  const done: string[] = [];
  for (const ticket of due) {
    const receipt = receipts[ticket.ticketId];
    if (receipt) {
      done.push(ticket.ticketId);
      if (isDeviceGone(receipt)) gone.push(ticket.token);
      else if (receipt.status === "error")
        log("warn", "expo receipt error", { error: receipt.details?.error });
    } else if (deps.now - ticket.createdAt > RECEIPT_LIFETIME_MS) done.push(ticket.ticketId);
  }
  const removed = await deleteExpoTokens(deps.db, [...new Set(gone)]);
  await deleteExpoTickets(deps.db, done);
  if (removed > 0) log("info", "expo tokens not registered; removed", { count: removed });
  return { checked: due.length, removed };
}
