import { z } from "@hono/zod-openapi";
import { decimalInteger } from "../../../lib/decimal";
import { MEDIA_TYPES } from "./file-types";
import { MEDIA_ID_PATTERN, UPLOAD_ID_PATTERN, USER_ID_PATTERN } from "./ids";
import { MAX_PARTS, MAX_UPLOAD_BYTES } from "./limits";

export const MediaId = z
  .string()
  .regex(MEDIA_ID_PATTERN, "a media id")
  .openapi({ param: { name: "id", in: "path" }, example: "med_01J9Z3V6Q3K8T1M2N4P5R6S7T8" });
export const MediaIdParam = z.object({ id: MediaId });

export const UploadId = z
  .string()
  .regex(UPLOAD_ID_PATTERN, "an upload id")
  .openapi({ param: { name: "uploadId", in: "path" }, example: "upl_01J9Z3V6Q3K8T1M2N4P5R6S7T8" });
export const UploadIdParam = z.object({ uploadId: UploadId });
export const PartParam = z.object({
  uploadId: UploadId,
  n: decimalInteger(1, MAX_PARTS).openapi({
    param: { name: "n", in: "path" },
    example: 1,
    description: "The part number, from 1",
  }),
});

export const VariantQuery = z.strictObject({
  variant: z.enum(["thumb", "medium"]).optional().openapi({
    description: "An image resized to 320 (thumb) or 1080 (medium) px wide, never enlarged",
  }),
});
export type VariantName = NonNullable<z.infer<typeof VariantQuery>["variant"]>;

export const Media = z
  .object({
    id: z.string(),
    contentType: z.enum(MEDIA_TYPES),
    size: z.number().int().openapi({ description: "Bytes" }),
    width: z.number().int().optional().openapi({ description: "Images: pixels, as displayed" }),
    height: z.number().int().optional(),
    url: z.string().openapi({
      description: "Where the bytes are, relative to the API origin; anyone with it can read them",
      example: "/v1/media/med_01J9Z3V6Q3K8T1M2N4P5R6S7T8/content",
    }),
    createdAt: z.iso.datetime(),
  })
  .openapi("Media");
export type Media = z.infer<typeof Media>;

export const NewUpload = z
  .strictObject({
    contentType: z.string().min(1).max(100).openapi({ example: "video/mp4" }),
    size: z.number().int().min(1).max(MAX_UPLOAD_BYTES).openapi({ description: "Bytes", example: 73400320 }),
    filename: z
      .string()
      .trim()
      .min(1)
      .max(255)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      .regex(/^[^\u0000-\u001f\u007f]*$/, "no control characters")
      .openapi({ example: "holiday.mp4" }),
  })
  .openapi("NewUpload");
export type NewUpload = z.infer<typeof NewUpload>;

export const CreatedUpload = z
  .object({
    uploadId: z.string(),
    mediaId: z.string(),
    partSize: z.number().int().openapi({ description: "Every part but the last has exactly this size" }),
    partCount: z.number().int(),
    expiresAt: z.iso.datetime().openapi({ description: "Renewed by every part received" }),
  })
  .openapi("CreatedUpload");

export const ReceivedPart = z
  .object({ partNumber: z.number().int(), size: z.number().int() })
  .openapi("ReceivedPart");

export const UploadStatus = CreatedUpload.extend({
  status: z.enum(["open", "completed"]),
  expiresAt: z.iso.datetime().nullable().openapi({ description: "Null once completed" }),
  contentType: z.enum(MEDIA_TYPES),
  size: z.number().int(),
  parts: z.array(ReceivedPart).openapi({ description: "The parts received so far, by number" }),
}).openapi("UploadStatus");
export type UploadStatus = z.infer<typeof UploadStatus>;

/** What the posts service asks (RPC): which of these ids are this user's, fully uploaded. */
export const OwnedMediaRequest = z.strictObject({
  ownerId: z.string().regex(USER_ID_PATTERN, "a user id"),
  ids: z.array(z.string().regex(MEDIA_ID_PATTERN, "a media id")).max(100),
});
export type OwnedMediaRequest = z.infer<typeof OwnedMediaRequest>;

export const OwnedMedia = z.object({ id: z.string(), contentType: z.enum(MEDIA_TYPES), url: z.string() });
export type OwnedMedia = z.infer<typeof OwnedMedia>;
