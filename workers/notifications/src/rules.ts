import type { DomainEvent } from "../../../lib/events/catalog";
import type { NotificationType } from "../../../lib/events/live";
import type { Subject } from "./render";

/**
 * Which notifications an event makes: for whom (a user id, or an @handle still to resolve), of
 * which type, by whom, about what, and with which group key (events with the same key merge into
 * one unread notification: "A and 3 others liked your post").
 */
export interface Intent {
  recipient: { userId: string } | { handle: string };
  type: NotificationType;
  actorId: string | null;
  subject: Subject;
  groupKey: string | null;
}

export function intentsOf(event: DomainEvent): Intent[] {
  const actorId = event.actorId;
  switch (event.type) {
    case "user.followed":
      return [
        {
          recipient: { userId: event.data.followeeId },
          type: "follow",
          actorId: event.data.followerId,
          subject: { type: "user", id: event.data.followeeId },
          groupKey: "follow",
        },
      ];
    case "post.liked":
      return [
        {
          recipient: { userId: event.data.postAuthorId },
          type: "like",
          actorId: event.data.userId,
          subject: { type: "post", id: event.data.postId },
          groupKey: `like:${event.data.postId}`,
        },
      ];
    case "post.shared":
      return [
        {
          recipient: { userId: event.data.originalAuthorId },
          type: "share",
          actorId: event.data.userId,
          subject: { type: "post", id: event.data.originalPostId },
          groupKey: `share:${event.data.originalPostId}`,
        },
      ];
    case "comment.created": {
      const { commentId, postId, postAuthorId, authorId } = event.data;
      return [
        {
          recipient: { userId: postAuthorId },
          type: "comment",
          actorId: authorId,
          subject: { type: "comment", id: commentId, postId },
          groupKey: `comment:${postId}`,
        },
        ...mentions(event.data.mentions, authorId, { type: "comment", id: commentId, postId }),
      ];
    }
    case "post.created":
      return mentions(event.data.mentions, event.data.authorId, { type: "post", id: event.data.postId });
    case "message.sent":
      return event.data.recipientIds.map((userId) => ({
        recipient: { userId },
        type: "message" as const,
        actorId: event.data.senderId,
        subject: { type: "conversation" as const, id: event.data.conversationId, text: event.data.preview },
        groupKey: `message:${event.data.conversationId}`,
      }));
    case "session.invited":
      return [
        {
          recipient: { userId: event.data.inviteeId },
          type: "session_invite",
          actorId,
          subject: {
            type: "session",
            id: event.data.sessionId,
            text: event.data.title,
            inviteCode: event.data.inviteCode,
          },
          groupKey: null,
        },
      ];
    case "call.invited":
      return [
        {
          recipient: { userId: event.data.inviteeId },
          type: "call_invite",
          actorId,
          subject: {
            type: "call",
            id: event.data.callId,
            ...(event.data.title !== null && { text: event.data.title }),
            inviteCode: event.data.inviteCode,
          },
          groupKey: null,
        },
      ];
    case "account.password_changed":
      return [
        {
          recipient: { userId: event.data.userId },
          type: "security",
          actorId: null,
          subject: { type: "user", id: event.data.userId, text: "password_changed" },
          groupKey: null,
        },
      ];
    case "user.unfollowed":
    case "post.deleted":
    case "media.deleted":
      return [];
  }
}

/** One mention notification per distinct @handle (without the @, case-insensitive). */
function mentions(handles: string[], actorId: string, subject: Subject): Intent[] {
  const distinct = [...new Set(handles.map((h) => h.replace(/^@/, "").toLowerCase()))].filter(Boolean);
  return distinct.map((handle) => ({
    recipient: { handle },
    type: "mention" as const,
    actorId,
    subject,
    groupKey: null,
  }));
}

/**
 * True when the owner would be told of their own action: never done, except for notices about
 * their own account (a password change is made by its owner, and they must hear of it).
 */
export function isOwnAction(intent: Intent, recipientId: string): boolean {
  return intent.type !== "security" && intent.actorId === recipientId;
}
