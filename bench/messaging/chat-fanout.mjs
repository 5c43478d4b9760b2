// Fan-out load for the chat-room protocol (docs/protocols/chat-room.md) from Node `ws` clients: the
// same interface as bench/lib/ws-fanout.mjs's FanoutRoom (grow, saturate, paced, keepAlive, close), so
// bench/sessions/measure.mjs drives it, but with plaza.v1 chat-room frames. A client sends
// {"type":"send","text":"<n> ...","nonce":"<n>"}; the sender's copy is its {"type":"ack","nonce":"<n>"...}
// and everyone else's is {"type":"message","message":{...,"text":"<n> ..."...}}. The hot path reads raw
// bytes: byte 9 tells the frame type, the message number follows "nonce":" or "text":".
import { setTimeout as sleep } from "node:timers/promises";
import { Run } from "../lib/ws-fanout-run.mjs";

const ACK_BYTE = 0x61; // the "a" of {"type":"ack"
const MESSAGE_BYTE = 0x6d; // the "m" of {"type":"message"
const ERROR_BYTE = 0x65; // the "e" of {"type":"error"
const NONCE = Buffer.from('"nonce":"');
const TEXT = Buffer.from('"text":"');
const MAX_LATENCIES = 2_000_000;

/** A run whose frames are chat-room `send` frames, numbered in both the nonce and the text. */
class ChatRun extends Run {
  send(slot) {
    const local = this.sent++;
    const now = performance.now();
    if (local === 0) this.firstSendAt = now;
    this.sendTimes[local] = now;
    this.senderOf[local] = slot;
    const n = this.firstId + local;
    this.room.sockets[slot].send(`{"type":"send","text":"${n} ${this.text}","nonce":"${n}"}`);
  }
}

function numberAfter(data, marker) {
  const at = data.indexOf(marker);
  if (at < 0) return -1;
  let id = 0;
  for (let i = at + marker.length; i < data.length; i++) {
    const c = data[i];
    if (c < 48 || c > 57) break;
    id = id * 10 + c - 48;
  }
  return id;
}

/** A chat room's client sockets, as the load generator holds them. */
export class ChatFanoutRoom {
  constructor(name, { text = "bench message: the quick brown fox" } = {}) {
    this.name = name;
    this.text = text;
    /** @type {import("ws").WebSocket[]} */
    this.sockets = [];
    this.nextId = 1;
    /** @type {ChatRun | null} */
    this.run = null;
    this.closing = false;
    this.unexpectedCloses = 0;
    this.lastClose = "";
    this.socketErrors = 0;
    this.keepAliveTimer = undefined;
    this.latencyBuffer = null;
  }

  get size() {
    return this.sockets.length;
  }

  /** Opens `count` more sockets, `concurrency` at a time; `open(slot)` resolves with an open socket. */
  async grow(count, open, concurrency = 8) {
    const end = this.sockets.length + count;
    let next = this.sockets.length;
    const opened = [];
    const worker = async () => {
      while (next < end) {
        const slot = next++;
        opened.push([slot, await open(slot)]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    for (const [slot, ws] of opened.sort((a, b) => a[0] - b[0])) this.#adopt(ws, slot);
  }

  #adopt(ws, slot) {
    this.sockets[slot] = ws;
    ws.on("message", (data) => this.#onMessage(slot, data));
    ws.on("error", () => this.socketErrors++);
    ws.on("close", (code, reason) => {
      if (this.closing) return;
      this.unexpectedCloses++;
      this.lastClose = `${code} ${reason.toString()}`;
    });
  }

  /** The hot path: one received frame, never decoded unless it is an error frame. */
  #onMessage(slot, data) {
    const run = this.run;
    if (run === null) return;
    const kind = data[9];
    if (kind === ACK_BYTE || kind === MESSAGE_BYTE) {
      const id = numberAfter(data, kind === ACK_BYTE ? NONCE : TEXT);
      if (id >= 0) run.deliver(slot, id, data.length);
      return;
    }
    if (kind === ERROR_BYTE) {
      if (run.errors.length < 5) run.errors.push(data.toString("utf8", 0, 300));
      else run.errors.length++;
    }
  }

  #begin(maxMessages) {
    if (this.run) throw new Error(`${this.name}: a run is already going`);
    this.latencyBuffer ??= new Float64Array(MAX_LATENCIES);
    this.run = new ChatRun(this, maxMessages, this.latencyBuffer);
    return this.run;
  }

  async #end(run, drainTimeoutMs) {
    const complete = await run.finish(drainTimeoutMs);
    this.run = null;
    this.nextId += run.sent;
    const deliveries = run.delivered;
    const elapsedMs = run.lastDeliveryAt - run.firstSendAt;
    const lost = run.sent * this.size - deliveries;
    if (!complete && run.errors.length === 0)
      run.errors.push(`${lost} copies missing after the drain timeout`);
    return {
      messages: run.sent,
      deliveries,
      lost,
      elapsedMs,
      deliveriesPerSec: elapsedMs > 0 ? (deliveries * 1000) / elapsedMs : 0,
      bytesPerDelivery: deliveries > 0 ? run.bytes / deliveries : 0,
      latencies: run.latencies.subarray(0, run.recorded),
      errors: run.errors,
    };
  }

  /** Closed loop: each sender keeps `window` messages in flight (the next goes when its ack comes). */
  async saturate({ senders, window, durationMs, maxMessages = 200_000, drainTimeoutMs = 20_000 }) {
    const run = this.#begin(maxMessages);
    run.onEcho = (slot) => {
      if (!run.stopped && run.sent < maxMessages) run.send(slot);
    };
    for (let k = 0; k < window; k++) for (const slot of senders) if (run.sent < maxMessages) run.send(slot);
    await sleep(durationMs);
    return this.#end(run, drainTimeoutMs);
  }

  /** Open loop: `ratePerSec` messages a second from the senders in rotation (a 1 ms catch-up timer). */
  async paced({ senders, ratePerSec, durationMs, maxMessages = 200_000, drainTimeoutMs = 20_000 }) {
    const run = this.#begin(maxMessages);
    const start = performance.now();
    let rotor = 0;
    const tick = () => {
      const due = Math.min(maxMessages, Math.floor(((performance.now() - start) * ratePerSec) / 1000) + 1);
      while (run.sent < due) run.send(senders[rotor++ % senders.length]);
    };
    tick();
    const timer = setInterval(tick, 1);
    await sleep(durationMs);
    clearInterval(timer);
    return this.#end(run, drainTimeoutMs);
  }

  /** "ping" on every socket every `intervalMs` between runs (the rooms close sockets silent for 60 s). */
  keepAlive(intervalMs = 20_000) {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = setInterval(() => {
      if (this.run !== null) return;
      for (const ws of this.sockets) ws.send("ping");
    }, intervalMs);
    this.keepAliveTimer.unref();
  }

  close() {
    clearInterval(this.keepAliveTimer);
    this.closing = true;
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
  }
}
