import { AppError } from "../../../lib/errors";
import { type NewMediaRow, reserveMedia, usedBytes } from "./db/media";
import type { MediaDeps } from "./deps";

/**
 * Reserves a new file's bytes in its owner's quota by inserting its row (status `uploading`), or
 * refuses it with 413. Uploads in progress count until they expire, so parallel uploads cannot
 * together go over.
 */
export async function reserveQuota(deps: MediaDeps, row: NewMediaRow): Promise<void> {
  if (await reserveMedia(deps.db, row, deps.quotaBytes, deps.now)) return;
  const used = await usedBytes(deps.db, row.ownerId, deps.now);
  throw new AppError(
    "payload_too_large",
    `this file (${row.size} bytes) does not fit in your storage quota: ${used} of ${deps.quotaBytes} bytes are used`,
  );
}
