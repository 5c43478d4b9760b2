/** The numbers of a chat room: sizes, rates and times. */
export const CHAT_LIMITS = {
  /** Members of one conversation, its creator included. */
  maxMembers: 100,
  /** Open sockets (devices) per member. */
  maxSocketsPerUser: 5,
  ticketTtlMs: 30_000,
  idleTimeoutMs: 60_000,
  sweepEveryMs: 30_000,
  /** How soon after a change the conversations index (D1) hears of it. */
  indexSyncDelayMs: 1_000,
  /**
   * When the index sync or the message.sent publish fails, the room retries by itself after this
   * long, doubling up to `maxMs` (the runtime's own alarm retries give up after a few).
   */
  syncRetry: { firstMs: 2_000, maxMs: 300_000 },
  /** Most frames one `resume` replays; a client further behind reloads history over HTTP. */
  maxReplay: 500,
  send: { burst: 10, perSecond: 5 },
  /** edit, delete and read together. */
  updates: { burst: 20, perSecond: 5 },
  typing: { burst: 3, perSecond: 0.5 },
} as const;
