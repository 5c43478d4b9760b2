import { z } from "zod";

/**
 * What services push to a signed-in user's live channel (the UserChannel Durable Object that the
 * notifications service hosts) through its one RPC, `NotificationsService.publish(userId, event)`.
 * The channel is a fast path only: whatever must not be lost is stored by its owner first (the
 * message in its ChatRoom, the notification in the notifications database).
 */
const Id = z.string().min(1).max(64);

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
]);
export type LiveEvent = z.infer<typeof LiveEvent>;

/** What publish() reports: how many of the user's sockets the event reached (0: offline). */
export interface PublishResult {
  delivered: number;
}
