import type { Playback, ServerFrame } from "./protocol";
import { positionAt } from "./protocol";

/**
 * The reference client for the `plaza.v1` clock sync and playback frames, without I/O: a browser
 * app or a benchmark feeds it the frames it receives with its own local time, sends the pings it
 * asks for, and reads where the media should be. Every time here is in milliseconds; "local" is the
 * client's clock (say `Date.now()`), "server" the WatchSession's. Positions are in seconds.
 *
 * ```ts
 * const clock = new PlaybackClock();
 * socket.onmessage = (event) => clock.receive(JSON.parse(event.data), Date.now());
 * // whenever Date.now() >= clock.sync.nextPingAt(): socket.send(JSON.stringify(clock.sync.ping(Date.now())))
 * video.currentTime = clock.positionAt(Date.now()) ?? 0;
 * ```
 */

/** One ping/pong exchange, NTP-style. */
export interface ClockSample {
  /** Local time the ping left (the `t` the pong echoes). */
  sentAt: number;
  /** Local time the pong arrived. */
  receivedAt: number;
  /** The server's clock when it answered. */
  serverTime: number;
  /** `serverTime - (sentAt + receivedAt) / 2`: add it to a local time to get the server's. */
  offset: number;
  /** `receivedAt - sentAt`. */
  rtt: number;
}

export interface ClockSyncOptions {
  /** How many recent samples are kept. */
  window: number;
  /** The estimate is the median offset of at most this many of the quickest samples, */
  best: number;
  /** among those within this many ms of the quickest RTT (each ms may add 0.5 ms of error). */
  toleranceMs: number;
  /** Pings sent right after connecting, `burstIntervalMs` apart. */
  burst: number;
  burstIntervalMs: number;
  /**
   * After the burst, one ping this often until settled (see `settled`), for at most `window` more
   * pings: a burst sent while the path or the server is busy is slow as a whole, and its quickest
   * samples still carry the queueing (which only adds delay, and mostly on one side).
   */
  settleIntervalMs: number;
  /** Settling takes at least this many pings after the burst, so the samples span a few seconds. */
  settlePings: number;
  /** Once settled, one ping this often: follows clock drift and catches a quicker path. */
  intervalMs: number;
}

export const CLOCK_SYNC_DEFAULTS: ClockSyncOptions = {
  window: 16,
  best: 4,
  toleranceMs: 10,
  burst: 8,
  burstIntervalMs: 100,
  settleIntervalMs: 500,
  settlePings: 4,
  intervalMs: 10_000,
};

/** A pong older than this is ignored (a stale or bogus echo). */
const MAX_RTT_MS = 30_000;

/**
 * The offset between the local clock and the server's. Each sample's offset is wrong by half the
 * difference between its two one-way delays; queueing only ever adds delay, so the quickest round
 * trips are the least wrong (NTP's clock filter), and the median of the few nearly as quick smooths
 * jitter. An asymmetry that is the same on every exchange (a slow uplink) cannot be seen by any
 * ping: `uncertainty` bounds it. Pings go out in a burst after connecting, then every
 * `settleIntervalMs` until `settled`, then every `intervalMs`.
 */
export class ClockSync {
  private readonly options: ClockSyncOptions;
  private samples: ClockSample[] = [];
  private estimate: number | null = null;
  private seeded: number | null = null;
  private pingsSent = 0;
  private lastPingAt = Number.NEGATIVE_INFINITY;

  constructor(options: Partial<ClockSyncOptions> = {}) {
    this.options = { ...CLOCK_SYNC_DEFAULTS, ...options };
    if (this.options.best < 1 || this.options.window < this.options.best) {
      throw new RangeError("ClockSync needs 1 <= best <= window");
    }
  }

  /** The ping frame to send now; call it when the local clock reaches `nextPingAt()`. */
  ping(localNow: number): { type: "ping"; t: number } {
    this.pingsSent += 1;
    this.lastPingAt = localNow;
    return { type: "ping", t: localNow };
  }

  /** Local time the next ping is due (at once before the first one). */
  nextPingAt(): number {
    const { burst, burstIntervalMs, settleIntervalMs, intervalMs, window } = this.options;
    if (this.pingsSent < burst) return this.lastPingAt + burstIntervalMs;
    const settling = !this.settled && this.pingsSent < burst + window;
    return this.lastPingAt + (settling ? settleIntervalMs : intervalMs);
  }

  /** Records a `pong` frame that arrived at `localNow`; returns the sample, or null if implausible. */
  onPong(frame: { t: number; serverTime: number }, localNow: number): ClockSample | null {
    return this.addSample(frame.t, frame.serverTime, localNow);
  }

  /** Records one exchange; returns the sample, or null if implausible (negative or huge RTT). */
  addSample(sentAt: number, serverTime: number, receivedAt: number): ClockSample | null {
    const rtt = receivedAt - sentAt;
    if (![sentAt, serverTime, receivedAt].every(Number.isFinite) || rtt < 0 || rtt > MAX_RTT_MS) return null;
    const sample = { sentAt, receivedAt, serverTime, offset: serverTime - (sentAt + receivedAt) / 2, rtt };
    this.samples.push(sample);
    if (this.samples.length > this.options.window) this.samples.shift();
    this.estimate = null;
    return sample;
  }

  /**
   * A first guess before any pong: the `serverTime` of the welcome frame, received at `localNow`.
   * It is late by the one-way delay; pong samples replace it.
   */
  seed(serverTime: number, localNow: number): void {
    if (Number.isFinite(serverTime) && Number.isFinite(localNow)) this.seeded = serverTime - localNow;
  }

  /** Server time minus local time: the estimate, the seed without samples, 0 without either. */
  get offset(): number {
    if (this.samples.length === 0) return this.seeded ?? 0;
    this.estimate ??= median(this.quickest().map((sample) => sample.offset));
    return this.estimate;
  }

  /** True while `best` samples within `toleranceMs` of the quickest back the estimate. */
  get synced(): boolean {
    return this.quickest().length >= this.options.best;
  }

  /**
   * True once synced after the burst and `settlePings` more: the estimate is then as good as this
   * path allows (a quicker sample later, which shows the path was busy, unsettles it again).
   */
  get settled(): boolean {
    return this.synced && this.pingsSent >= this.options.burst + this.options.settlePings;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** At most `best` of the quickest samples, all within `toleranceMs` of the quickest. */
  private quickest(): ClockSample[] {
    const sorted = [...this.samples].sort((a, b) => a.rtt - b.rtt);
    const limit = (sorted[0]?.rtt ?? 0) + this.options.toleranceMs;
    return sorted.slice(0, this.options.best).filter((sample) => sample.rtt <= limit);
  }

  /** The quickest round trip in the window, or null. */
  get minRtt(): number | null {
    return this.samples.length ? Math.min(...this.samples.map((sample) => sample.rtt)) : null;
  }

  /** Half the quickest round trip: how far off the offset can be if that path was lopsided. */
  get uncertainty(): number | null {
    const rtt = this.minRtt;
    return rtt === null ? null : rtt / 2;
  }

  /** The server's clock at local time `localNow`. */
  serverNow(localNow: number): number {
    return localNow + this.offset;
  }

  /** The local time at which the server's clock reads `serverTime`. */
  toLocal(serverTime: number): number {
    return serverTime - this.offset;
  }
}

/**
 * Where the media should be: the last playback state from `welcome` and `playback` frames, read
 * on the server's clock. Starts and seeks while playing are announced ahead (`at` in the future),
 * so a client that waits for `startAt()` starts in the same instant as everyone else. A pause or a
 * rate change applies from the moment the server took it (`at` already past on arrival): the
 * position then jumps by the time spent on the old state (about the one-way delay, times the rate
 * difference), and a player should seek rather than drift back.
 */
export class PlaybackClock {
  private current: Playback | null = null;
  private lastSeq = Number.NEGATIVE_INFINITY;

  constructor(readonly sync: ClockSync = new ClockSync()) {}

  /**
   * Feeds a server frame received at local time `localNow`: `welcome` (playback and a first clock
   * guess), `playback` (older `seq` than the last one applied are ignored) and `pong`. Other frames
   * are ignored. Returns true when the playback state changed.
   */
  receive(frame: ServerFrame, localNow: number): boolean {
    switch (frame.type) {
      case "welcome":
        this.sync.seed(frame.serverTime, localNow);
        this.current = frame.playback;
        this.lastSeq = frame.seq;
        return true;
      case "playback":
        if (frame.seq <= this.lastSeq) return false;
        this.current = frame.playback;
        this.lastSeq = frame.seq;
        return true;
      case "pong":
        this.sync.onPong(frame, localNow);
        return false;
      default:
        return false;
    }
  }

  /** The playback state last applied, or null before the welcome. */
  get playback(): Playback | null {
    return this.current;
  }

  /** The `seq` of the state last applied. */
  get seq(): number {
    return this.lastSeq;
  }

  /** The media position (s) at local time `localNow`, or null before the welcome. */
  positionAt(localNow: number): number | null {
    return this.current && positionAt(this.current, this.sync.serverNow(localNow));
  }

  /** Whether the media should be running at `localNow` (playing, and its start time has come). */
  isRunning(localNow: number): boolean {
    return !!this.current?.playing && this.sync.serverNow(localNow) >= this.current.at;
  }

  /**
   * The local time to (re)start the media at `positionAt()` and the state's rate: a future time
   * after a play or a seek (wait until then, showing the new position), a past one when it is
   * already running. Null when paused or before the welcome.
   */
  startAt(): number | null {
    return this.current?.playing ? this.sync.toLocal(this.current.at) : null;
  }

  /** Milliseconds until the media should start (0 when it should be running), null when paused. */
  msUntilStart(localNow: number): number | null {
    const start = this.startAt();
    return start === null ? null : Math.max(0, start - localNow);
  }

  /**
   * How far a media element at `mediaPosition` (s) is ahead of where it should be (s; negative:
   * behind). A player corrects small drift with its rate and seeks past a threshold.
   */
  drift(mediaPosition: number, localNow: number): number | null {
    const expected = this.positionAt(localNow);
    return expected === null ? null : mediaPosition - expected;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}
