// A simulated viewer: a real WebSocket to the WatchSession on loopback, with a simulated network
// (per-direction delays, jitter, occasional queueing spikes, order kept like TCP) and a simulated
// local clock (true time + a fixed offset). Its clock sync and playback state are the reference
// client's (client.ts, loaded by client-lib.mjs). "True time" is this machine's Date.now(), the same
// clock the Worker reads.
import WebSocket from "ws";

/**
 * Draws one client's network path and clock.
 * @param {() => number} random  uniform in [0, 1)
 * @param {{ rttMin: number, rttMax: number, asymShare: number, asymMax: number, offsetMaxMs: number }} o
 */
export function drawProfile(random, o) {
  const rttMs = o.rttMin + random() * (o.rttMax - o.rttMin);
  const asymmetric = random() < o.asymShare;
  // Share of the round trip spent on the way up (0.5: symmetric).
  const upShare = asymmetric ? 0.5 + (random() * 2 - 1) * o.asymMax : 0.5;
  const upMs = rttMs * upShare;
  const downMs = rttMs - upMs;
  const offsetMs = (random() * 2 - 1) * o.offsetMaxMs;
  // What any ping-based estimate is wrong by on this path: half the one-way difference.
  return { rttMs, upShare, upMs, downMs, asymmetric, offsetMs, biasMs: (upMs - downMs) / 2 };
}

/** A one-way link: each item is handed over after `delay()` ms, never before the one sent earlier. */
function delayLine(delay, deliver) {
  let lastDue = 0;
  const pending = new Set();
  const send = (item) => {
    const now = performance.now();
    const due = Math.max(lastDue, now + delay());
    lastDue = due;
    const timer = setTimeout(() => {
      pending.delete(timer);
      deliver(item);
    }, due - now);
    pending.add(timer);
  };
  send.clear = () => {
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
  };
  return send;
}

export class SimClient {
  /**
   * @param {{ index: number, profile: ReturnType<typeof drawProfile>, lib: any, random: () => number,
   *   net: { jitterMs: number, spikeRate: number, spikeMs: number } }} options
   */
  constructor({ index, profile, lib, random, net }) {
    this.index = index;
    this.profile = profile;
    this.clock = new lib.PlaybackClock(new lib.ClockSync());
    /** Playback states as delivered: { seq, playback, deliveredAt (true ms) }. */
    this.history = [];
    this.errors = [];
    /** Every pong as delivered (local times), for the timing breakdown. */
    this.pongs = [];
    /** Called with every playback frame when it reaches this machine (before the simulated delay). */
    this.onArrival = () => {};
    const delay = (base) => () =>
      base + random() * net.jitterMs + (random() < net.spikeRate ? random() * net.spikeMs : 0);
    this.uplink = delayLine(delay(profile.upMs), (text) => this.ws?.send(text));
    this.downlink = delayLine(delay(profile.downMs), (frame) => this.deliver(frame));
  }

  /** The client's own clock. */
  localNow() {
    return Date.now() + this.profile.offsetMs;
  }

  /** Opens the socket; resolves once the welcome has come through the simulated downlink. */
  connect(url, ticket) {
    return new Promise((resolve, reject) => {
      this.welcomed = resolve;
      const ws = new WebSocket(url, ["plaza.v1", `ticket.${ticket}`]);
      this.ws = ws;
      ws.on("message", (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === "playback") this.onArrival(frame);
        this.downlink(frame);
      });
      ws.on("unexpected-response", (_request, response) =>
        reject(new Error(`client ${this.index}: upgrade answered ${response.statusCode}`)),
      );
      ws.on("error", reject);
      ws.on("close", (code, reason) => {
        if (!this.closing) this.errors.push(`closed ${code} ${reason}`);
      });
    });
  }

  /** Sends a frame through the simulated uplink. */
  send(frame) {
    this.uplink(JSON.stringify(frame));
  }

  deliver(frame) {
    const localNow = this.localNow();
    if (this.clock.receive(frame, localNow)) {
      this.history.push({ seq: this.clock.seq, playback: this.clock.playback, deliveredAt: Date.now() });
    }
    if (frame.type === "pong")
      this.pongs.push({ sentAt: frame.t, serverTime: frame.serverTime, receivedAt: localNow });
    if (frame.type === "error") this.errors.push(`${frame.code}: ${frame.message}`);
    if (frame.type === "welcome") {
      this.schedulePing();
      this.welcomed?.();
    }
  }

  /** Pings when the reference client says so (a burst, then at its interval). */
  schedulePing() {
    const wait = Math.max(0, this.clock.sync.nextPingAt() - this.localNow());
    this.pingTimer = setTimeout(() => {
      this.send(this.clock.sync.ping(this.localNow()));
      this.schedulePing();
    }, wait);
  }

  /** The playback state this client had at true time `trueTime`, with its seq (null before any). */
  stateAt(trueTime) {
    return this.history.findLast((entry) => entry.deliveredAt <= trueTime) ?? null;
  }

  /** The server-minus-local offset this client estimates, minus the real one (ms). */
  clockError() {
    return this.clock.sync.offset + this.profile.offsetMs;
  }

  close() {
    this.closing = true;
    clearTimeout(this.pingTimer);
    this.uplink.clear();
    this.downlink.clear();
    this.ws?.close(1000, "bench done");
  }
}
