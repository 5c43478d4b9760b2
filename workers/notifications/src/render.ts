import type { z } from "zod";
import type {
  Notification,
  NotificationActor,
  NotificationSubject,
  NotificationType,
} from "../../../lib/events/live";

export type Subject = z.infer<typeof NotificationSubject>;
type Actor = z.infer<typeof NotificationActor>;

/** The sentence a notification shows: "ada and 3 others liked your post". */
export function renderText(
  type: NotificationType,
  actor: Actor | null,
  others: number,
  subject: Subject,
): string {
  const name = actor ? actor.displayName || `@${actor.handle}` : "Someone";
  const who = others === 0 ? name : `${name} and ${others} ${others === 1 ? "other" : "others"}`;
  switch (type) {
    case "follow":
      return `${who} followed you`;
    case "like":
      return `${who} liked your post`;
    case "comment":
      return `${who} commented on your post`;
    case "share":
      return `${who} shared your post`;
    case "mention":
      return `${name} mentioned you in a ${subject.type === "comment" ? "comment" : "post"}`;
    case "message":
      return others === 0 ? `${name}: ${subject.text ?? ""}`.trim() : `${who} sent you messages`;
    case "session_invite":
      return `${name} invited you to watch "${subject.text ?? "a watch party"}"`;
    case "call_invite":
      return subject.text
        ? `${name} invited you to the call "${subject.text}"`
        : `${name} invited you to a call`;
    case "security":
      return "Your Plaza password was changed. If this was not you, reset it now.";
  }
}

/** The title of a push for a notification. */
export function pushTitle(notification: Pick<Notification, "type">): string {
  return notification.type === "security" ? "Plaza account" : "Plaza";
}
