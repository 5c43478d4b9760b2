import { z } from "zod";

/**
 * What services push to a signed-in user's live channel (the UserChannel Durable Object that the
 * notifications service hosts) through its one RPC, `NotificationsService.publish(userId, event)`.
 * The channel is a fast path only: whatever must not be lost is stored by its owner first (the
 * message in its ChatRoom, the notification in the notifications database).
 */
const Id = z.string().min(1).max(64);

/** The kinds of notification a user can get (and set preferences for). */
export const NotificationType = z.enum([
  "follow",
  "like",
  "comment",
  "share",
  "mention",
  "message",
  "session_invite",
  "call_invite",
  "security",
]);
export type NotificationType = z.infer<typeof NotificationType>;

/** Who did it, as the notification shows them (null once their profile is gone). */
export const NotificationActor = z.strictObject({
  id: Id,
  handle: z.string().max(30),
  displayName: z.string().max(100),
  avatarUrl: z.string().max(2048).nullable(),
});

/** What it is about: a post, a comment, a conversation, a session, a call or a user. */
export const NotificationSubject = z.strictObject({
  type: z.enum(["post", "comment", "conversation", "session", "call", "user"]),
  id: Id,
  /** The post a comment belongs to. */
  postId: Id.optional(),
  /** A message preview, a session or call title. */
  text: z.string().max(280).optional(),
  /** What an invitee needs to join a private session or call. */
  inviteCode: z.string().max(64).optional(),
});

/** One notification, as GET /v1/notifications lists it and the live channel pushes it. */
export const Notification = z.strictObject({
  id: Id,
  type: NotificationType,
  actor: NotificationActor.nullable(),
  /** How many others did the same (a group: "A and 3 others liked your post"). */
  others: z.number().int().nonnegative(),
  subject: NotificationSubject,
  /** The sentence a client may show as it is. */
  text: z.string().max(400),
  read: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Notification = z.infer<typeof Notification>;

export const LiveEvent = z.discriminatedUnion("type", [
  /** A message in a conversation whose room the user is not connected to. */
  z.strictObject({
    type: z.literal("message.new"),
    conversationId: Id,
    message: z.strictObject({
      id: Id,
      senderId: Id,
      text: z.string().max(4000),
      createdAt: z.number().int(),
      seq: z.number().int().nonnegative(),
    }),
  }),
  /** A followed author posted (the client may refresh its home feed). */
  z.strictObject({ type: z.literal("feed.new"), postId: Id, authorId: Id }),
  /**
   * A notification was stored (or a group grew: the same id comes again with more `others`);
   * `unread` is the user's unread count after it.
   */
  z.strictObject({
    type: z.literal("notification"),
    notification: Notification,
    unread: z.number().int().nonnegative(),
  }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;

/** What publish() reports: how many of the user's sockets the event reached (0: offline). */
export interface PublishResult {
  delivered: number;
}
