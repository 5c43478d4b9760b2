// Fan-out load from Node `ws` clients (loopback only): a room of N open sockets; some of them send
// numbered messages and every socket that receives a copy records send-to-receive latency. What is sent
// and what counts as a copy is the room's protocol (ws-fanout-protocol.mjs; by default the broadcast
// chat of bench/sessions: `{"type":"chat","text":...,"nonce":"<message number>"}`, echoed to everyone).
// The hot path reads raw bytes (no JSON.parse, no string decoding). Runs: saturate() (closed loop: each
// sender keeps a window of messages in flight, sending the next when its own copy comes back) and
// paced() (open loop at a fixed rate, senders in rotation).
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { BROADCAST_CHAT, isErrorFrame } from "./ws-fanout-protocol.mjs";
import { Run } from "./ws-fanout-run.mjs";

export const CLIENT_OPTIONS = { perMessageDeflate: false, skipUTF8Validation: true };
const MAX_LATENCIES = 2_000_000;

/**
 * Opens one client socket; rejects with the server's status and body when the upgrade is refused.
 * @param {string} url  ws://...
 * @param {string[]} [protocols]
 * @returns {Promise<WebSocket>}
 */
export function openSocket(url, protocols = [], { timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { ...CLIENT_OPTIONS, handshakeTimeout: timeoutMs });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (request, response) => {
      let body = "";
      response.on("data", (chunk) => {
        body += chunk;
      });
      response.on("end", () =>
        reject(new Error(`upgrade ${url}: ${response.statusCode} ${body.slice(0, 300)}`)),
      );
      request.destroy();
    });
  });
}

/**
 * @typedef {object} FanoutResult
 * @property {number} messages  chat frames sent
 * @property {number} deliveries  copies received (all sockets)
 * @property {number} lost  copies that never arrived (messages x sockets - deliveries)
 * @property {number} elapsedMs  first send to last delivery
 * @property {number} deliveriesPerSec
 * @property {number} bytesPerDelivery  mean size of a received chat frame
 * @property {Float64Array} latencies  send-to-receive ms of each delivery (a view, valid until the next run)
 * @property {string[]} errors  error frames received (first few)
 */

/** A room's client sockets, as the load generator holds them. */
export class FanoutRoom {
  /**
   * @param {string} name
   * @param {{ text?: string, protocol?: import("./ws-fanout-protocol.mjs").FanoutProtocol }} [options]
   *   text: the message text (JSON-safe); protocol: what is sent and what is a copy (BROADCAST_CHAT)
   */
  constructor(name, { text = "bench message: the quick brown fox", protocol = BROADCAST_CHAT } = {}) {
    this.name = name;
    this.text = text;
    this.protocol = protocol;
    /** @type {WebSocket[]} */
    this.sockets = [];
    this.nextId = 1;
    /** @type {Run | null} */
    this.run = null;
    this.closing = false;
    this.unexpectedCloses = 0;
    /** The code and reason of the last socket the server closed, if any. */
    this.lastClose = "";
    this.socketErrors = 0;
    /** @type {NodeJS.Timeout | undefined} */
    this.keepAliveTimer = undefined;
    this.latencyBuffer = null;
  }

  get size() {
    return this.sockets.length;
  }

  /**
   * Opens `count` more sockets, `concurrency` at a time; `open(slot)` resolves with an open socket.
   * @param {number} count
   * @param {(slot: number) => Promise<WebSocket>} open
   */
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

  /** The hot path: one received frame (a Buffer, never decoded unless it is an error frame). */
  #onMessage(slot, data) {
    const run = this.run;
    if (run === null) return;
    const id = this.protocol.copyOf(data);
    if (id >= 0) {
      run.deliver(slot, id, data.length);
      return;
    }
    if (isErrorFrame(data)) {
      if (run.errors.length < 5) run.errors.push(data.toString("utf8", 0, 300));
      else run.errors.length++;
    }
  }

  #begin(maxMessages) {
    if (this.run) throw new Error(`${this.name}: a run is already going`);
    this.latencyBuffer ??= new Float64Array(MAX_LATENCIES);
    this.run = new Run(this, maxMessages, this.latencyBuffer);
    return this.run;
  }

  /** @returns {Promise<FanoutResult>} */
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

  /**
   * Closed loop: each sender slot keeps `window` messages in flight for `durationMs`.
   * @param {{ senders: number[], window: number, durationMs: number, maxMessages?: number,
   *   drainTimeoutMs?: number }} options
   */
  async saturate({ senders, window, durationMs, maxMessages = 200_000, drainTimeoutMs = 20_000 }) {
    const run = this.#begin(maxMessages);
    run.onEcho = (slot) => {
      if (!run.stopped && run.sent < maxMessages) run.send(slot);
    };
    for (let k = 0; k < window; k++) for (const slot of senders) if (run.sent < maxMessages) run.send(slot);
    await sleep(durationMs);
    return this.#end(run, drainTimeoutMs);
  }

  /**
   * Open loop: `ratePerSec` messages a second for `durationMs`, from the sender slots in rotation
   * (sent from a 1 ms timer, catching up on the schedule, so a slow server does not slow the offer).
   * @param {{ senders: number[], ratePerSec: number, durationMs: number, maxMessages?: number,
   *   drainTimeoutMs?: number }} options
   */
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

  /**
   * Sends "ping" on every socket every `intervalMs` (servers' idle timeouts: the WatchSession and the
   * ChatRoom close sockets silent for 60 s), never during a run: a ping that comes due during one is
   * sent as soon as it ends (checked every quarter interval), so back-to-back runs cannot starve
   * the sockets. Stops when the room closes.
   */
  keepAlive(intervalMs = 20_000) {
    clearInterval(this.keepAliveTimer);
    let lastPingAt = Date.now();
    this.keepAliveTimer = setInterval(() => {
      if (this.run !== null || Date.now() - lastPingAt < intervalMs) return;
      for (const ws of this.sockets) ws.send("ping");
      lastPingAt = Date.now();
    }, intervalMs / 4);
    this.keepAliveTimer.unref();
  }

  /** Drops every socket at once (no closing handshake). */
  close() {
    clearInterval(this.keepAliveTimer);
    this.closing = true;
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
  }
}
