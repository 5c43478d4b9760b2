// One measured run of a FanoutRoom (ws-fanout.mjs): when each message was sent and by which socket,
// and the send-to-receive latency of each delivery. Message numbers ("nonces") increase over the room's
// life, so late copies from an earlier run are recognised and ignored.

/** One measured run: send times by message, latencies by delivery. */
export class Run {
  constructor(room, maxMessages, latencies) {
    this.room = room;
    this.firstId = room.nextId;
    this.sendTimes = new Float64Array(maxMessages);
    this.senderOf = new Int32Array(maxMessages);
    this.maxMessages = maxMessages;
    this.latencies = latencies;
    this.recorded = 0;
    this.sent = 0;
    this.delivered = 0;
    this.bytes = 0;
    this.errors = [];
    this.firstSendAt = 0;
    this.lastDeliveryAt = 0;
    this.stopped = false;
    /** @type {((slot: number, now: number) => void) | null} */
    this.onEcho = null;
    /** @type {(() => void) | null} */
    this.onComplete = null;
    this.text = room.text;
    /** @type {(n: number, text: string) => string} */
    this.frame = room.protocol.frame;
  }

  send(slot) {
    const local = this.sent++;
    const now = performance.now();
    if (local === 0) this.firstSendAt = now;
    this.sendTimes[local] = now;
    this.senderOf[local] = slot;
    this.room.sockets[slot].send(this.frame(this.firstId + local, this.text));
  }

  deliver(slot, id, bytes) {
    const local = id - this.firstId;
    if (local < 0 || local >= this.sent) return; // a late copy from an earlier run
    const now = performance.now();
    if (this.recorded < this.latencies.length) this.latencies[this.recorded++] = now - this.sendTimes[local];
    this.delivered++;
    this.bytes += bytes;
    this.lastDeliveryAt = now;
    if (this.onEcho !== null && this.senderOf[local] === slot) this.onEcho(slot, now);
    if (this.stopped && this.delivered >= this.sent * this.room.size) this.onComplete?.();
  }

  /** No more sends; resolves when every copy of every message has arrived (or after `timeoutMs`). */
  finish(timeoutMs) {
    this.stopped = true;
    if (this.delivered >= this.sent * this.room.size) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.onComplete = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}
