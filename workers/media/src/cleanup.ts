import { deleteMediaRow, findExpired } from "./db/media";
import type { MediaDeps } from "./deps";
import { originalKey } from "./storage";
import { abortMultipart } from "./uploads";

/** The cron expression (wrangler.toml) of the hourly sweep below. */
export const SWEEP_CRON = "17 * * * *";

/**
 * Abandoned uploads (nothing received for a day, or a single upload unfinished after an hour):
 * R2 drops their parts, their rows go, and their quota is free again. Runs hourly (cron); each
 * run takes up to `batch` of them.
 */
export async function sweepExpiredUploads(deps: MediaDeps, batch = 200): Promise<number> {
  const expired = await findExpired(deps.db, deps.now, batch);
  for (const { id, r2UploadId } of expired) {
    if (r2UploadId) await abortMultipart(deps, id, r2UploadId);
    // A single upload may have landed, or R2 completed an upload that D1 never recorded.
    await deps.bucket.delete(originalKey(id));
    await deleteMediaRow(deps.db, id);
  }
  return expired.length;
}
