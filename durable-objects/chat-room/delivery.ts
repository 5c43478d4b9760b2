import type { DomainEvent } from "../../lib/events/catalog";
import type { LiveEvent } from "../../lib/events/live";
import { domainEvent, publishEvents } from "../../lib/events/publish";
import { traceFrom, traceparentOf } from "../../lib/http/trace";
import { describeError, log } from "../../lib/logging";
import type { StoredMessage } from "./storage";

/** The notifications service's live-channel RPC, as the room uses it. */
interface LiveChannel {
  publish(userId: string, event: LiveEvent): Promise<unknown>;
}

/** The start of a message, for notifications (the event catalog's `preview`). */
const PREVIEW_CHARS = 280;
/** Queues take at most 100 messages per sendBatch. */
const QUEUE_BATCH = 100;

/**
 * How a stored message reaches members who are not in the room: at once over their live channel
 * (a fast path that may fail without consequence), and through a message.sent event that the
 * notifications service turns into stored, preference-filtered notifications.
 */
export const offlineDelivery = {
  /** Pushes the message to each user's live channel; failures are logged, never thrown. */
  async live(channel: LiveChannel, conversationId: string, message: StoredMessage, userIds: string[]) {
    const event: LiveEvent = {
      type: "message.new",
      conversationId,
      message: {
        id: message.id,
        senderId: message.senderId,
        text: message.text,
        createdAt: message.createdAt,
        seq: message.seq,
      },
    };
    const results = await Promise.allSettled(userIds.map((userId) => channel.publish(userId, event)));
    const failed = results.filter((result) => result.status === "rejected");
    if (failed.length > 0) {
      log("warn", "live delivery failed", {
        conversationId,
        messageId: message.id,
        failed: failed.length,
        ...describeError(failed[0]?.reason),
      });
    }
  },

  /**
   * The message.sent event of a message. Its id is derived from the message id, so an event sent
   * again (a retried alarm) has the same id and consumers drop the copy.
   */
  event(conversationId: string, message: StoredMessage, recipientIds: string[]): DomainEvent {
    const event = domainEvent(
      "message.sent",
      {
        conversationId,
        messageId: message.id,
        senderId: message.senderId,
        recipientIds,
        preview: message.text.slice(0, PREVIEW_CHARS),
      },
      { actorId: message.senderId, traceparent: traceparentOf(traceFrom(null)) },
    );
    return {
      ...event,
      id: `evt_${message.id.slice("msg_".length)}`,
      occurredAt: new Date(message.createdAt).toISOString(),
    };
  },

  async publish(queue: Queue, events: DomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += QUEUE_BATCH) {
      await publishEvents([queue], events.slice(start, start + QUEUE_BATCH));
    }
  },
};
