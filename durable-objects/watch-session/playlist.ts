import { newId } from "../../lib/ids";
import { RoomError } from "../../lib/realtime/socket-room";
import { WATCH_LIMITS } from "./limits";
import type { ClientFrame, QueueItem } from "./protocol";

export type QueueOp = Extract<ClientFrame, { type: "queue" }>["op"];

export interface PlaylistChange {
  items: QueueItem[];
  /** Set by `next`: the item that becomes the session's media. */
  playing?: QueueItem;
}

/** Applies one playlist operation to the items (a new array); refusals are error frames. */
export function changePlaylist(current: QueueItem[], op: QueueOp, userId: string): PlaylistChange {
  const items = [...current];
  const indexOf = (id: string) => {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw new RoomError("not_found", "no such playlist item", "queue");
    return index;
  };
  switch (op.op) {
    case "add":
      if (items.length >= WATCH_LIMITS.maxQueueItems) {
        throw new RoomError(
          "conflict",
          `the playlist is full (at most ${WATCH_LIMITS.maxQueueItems} items)`,
          "queue",
        );
      }
      items.push({ id: newId("qit"), mediaUrl: op.mediaUrl, title: op.title ?? null, addedBy: userId });
      return { items };
    case "remove":
      items.splice(indexOf(op.id), 1);
      return { items };
    case "move": {
      const [item] = items.splice(indexOf(op.id), 1);
      if (item) items.splice(Math.min(op.to, items.length), 0, item);
      return { items };
    }
    case "next": {
      const playing = items.shift();
      if (!playing) throw new RoomError("not_found", "the playlist is empty", "queue");
      return { items, playing };
    }
  }
}
