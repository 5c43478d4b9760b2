import { newId } from "../../../lib/ids";

/**
 * Media and upload ids, in lib/ids.ts's format (`med_` / `upl_` and a ULID). A media id is also
 * the capability to read the file (public by URL), so its 80 random bits matter.
 */
export const newMediaId = () => newId("med");
export const newUploadId = () => newId("upl");

export const MEDIA_ID_PATTERN = /^med_[0-9A-HJKMNP-TV-Z]{26}$/;
export const UPLOAD_ID_PATTERN = /^upl_[0-9A-HJKMNP-TV-Z]{26}$/;
export const USER_ID_PATTERN = /^usr_[0-9A-HJKMNP-TV-Z]{26}$/;
