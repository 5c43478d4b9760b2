import { z } from "zod";

/**
 * Every domain event Plaza publishes: its type and the zod schema of its data. Consumers validate
 * each message against this catalog; a new event type starts here.
 */

const UserId = z.string().min(1).max(64);
const PostId = z.string().min(1).max(64);

export const EVENT_DATA = {
  "user.followed": z.strictObject({ followerId: UserId, followeeId: UserId }),
  "user.unfollowed": z.strictObject({ followerId: UserId, followeeId: UserId }),
  "post.created": z.strictObject({
    postId: PostId,
    authorId: UserId,
    /** Set when the post is a share of another post. */
    sharedPostId: PostId.nullable(),
    mentions: z.array(z.string().max(30)).max(50),
    createdAt: z.number().int(),
  }),
  "post.deleted": z.strictObject({ postId: PostId, authorId: UserId }),
  "comment.created": z.strictObject({
    commentId: z.string().min(1).max(64),
    postId: PostId,
    postAuthorId: UserId,
    authorId: UserId,
    mentions: z.array(z.string().max(30)).max(50),
  }),
  "post.liked": z.strictObject({ postId: PostId, postAuthorId: UserId, userId: UserId }),
  "post.shared": z.strictObject({
    postId: PostId,
    originalPostId: PostId,
    originalAuthorId: UserId,
    userId: UserId,
  }),
  /**
   * A media file was deleted by its owner: posts that show it drop it (the file and its variants
   * are already gone from storage).
   */
  "media.deleted": z.strictObject({ mediaId: z.string().min(1).max(64), ownerId: UserId }),
  /** A chat message was stored; recipients are the conversation's other members. */
  "message.sent": z.strictObject({
    conversationId: z.string().min(1).max(64),
    messageId: z.string().min(1).max(64),
    senderId: UserId,
    recipientIds: z.array(UserId).max(99),
    /** The start of the text, for notifications (never the whole message). */
    preview: z.string().max(280),
  }),
  /** The host of a watch session invited someone (the data carries what the invitee needs to join). */
  "session.invited": z.strictObject({
    sessionId: z.string().min(1).max(64),
    inviteeId: UserId,
    title: z.string().max(120),
    inviteCode: z.string().max(64),
  }),
  /** Someone invited another user into a video call. */
  "call.invited": z.strictObject({
    callId: z.string().min(1).max(64),
    inviteeId: UserId,
    title: z.string().max(120).nullable(),
    inviteCode: z.string().max(64),
  }),
  /** A password changed (the account is told by email). */
  "account.password_changed": z.strictObject({ userId: UserId }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

const envelope = <T extends EventType>(type: T) =>
  z.strictObject({
    id: z.string().regex(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/),
    type: z.literal(type),
    occurredAt: z.iso.datetime(),
    actorId: UserId,
    data: EVENT_DATA[type],
    traceparent: z.string().max(128),
  });

/** A domain event as it travels on a queue: `{id, type, occurredAt, actorId, data, traceparent}`. */
export const DomainEvent = z.discriminatedUnion("type", [
  envelope("user.followed"),
  envelope("user.unfollowed"),
  envelope("post.created"),
  envelope("post.deleted"),
  envelope("comment.created"),
  envelope("post.liked"),
  envelope("post.shared"),
  envelope("media.deleted"),
  envelope("message.sent"),
  envelope("session.invited"),
  envelope("call.invited"),
  envelope("account.password_changed"),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;
