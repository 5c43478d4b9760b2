import { z } from "@hono/zod-openapi";
import { lineText, optionalBodyText } from "../../../lib/text";

/** Handles: 3 to 30 lower-case letters, digits and underscores. */
export const Handle = z
  .string()
  .regex(/^[a-z0-9_]{3,30}$/, "3 to 30 characters: a-z, 0-9 and _")
  .openapi({ example: "ada_l" });

export const DisplayName = lineText(50).openapi({ example: "Ada Lovelace" });
export const Bio = optionalBodyText(280);
export const AvatarUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.domain })
  .max(2048)
  .refine((url) => !/[\s\p{Cc}]/u.test(url), "no spaces or control characters (percent-encode them)")
  .openapi({ example: "https://example.com/ada.png" });
export const UserId = z.string().regex(/^usr_[0-9A-HJKMNP-TV-Z]{26}$/, "a user id");

export const UserSummary = z
  .object({
    id: z.string(),
    handle: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
  })
  .openapi("UserSummary");
export type UserSummary = z.infer<typeof UserSummary>;

export const Profile = UserSummary.extend({
  bio: z.string(),
  followers: z.number().int(),
  following: z.number().int(),
  createdAt: z.iso.datetime(),
  followedByMe: z.boolean().optional().openapi({ description: "Present when the caller is signed in" }),
}).openapi("Profile");
export type Profile = z.infer<typeof Profile>;

export const UpdateProfile = z
  .strictObject({
    displayName: DisplayName.optional(),
    bio: Bio.optional(),
    avatarUrl: AvatarUrl.nullable().optional().openapi({ description: "null removes the avatar" }),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change" })
  .openapi("UpdateProfile");

export const HandleParam = z.object({ handle: Handle.openapi({ param: { name: "handle", in: "path" } }) });

export const UserPage = z
  .object({ items: z.array(UserSummary), nextCursor: z.string().nullable() })
  .openapi("UserPage");

/** What the auth service sends to make the profile of a new account (RPC). */
export const NewProfile = z.strictObject({ id: UserId, handle: Handle, displayName: DisplayName });
export type NewProfile = z.infer<typeof NewProfile>;

/** Paging for RPC callers that walk a whole follower list (feed fan-out, notifications). */
export const FollowerPageRequest = z.strictObject({
  userId: UserId,
  cursor: z.string().min(1).max(512).optional(),
  limit: z.number().int().min(1).max(1000).default(500),
});
export type FollowerPageRequest = z.input<typeof FollowerPageRequest>;
