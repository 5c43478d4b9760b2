import { describe, expect, it } from "vitest";
import { ClockSync, PlaybackClock } from "./client";
import type { Playback, ServerFrame } from "./protocol";

/** A simulated exchange: the local clock is `skew` ms ahead of the server's. */
function exchange(sync: ClockSync, localSend: number, up: number, down: number, skew: number) {
  const serverTime = localSend - skew + up;
  return sync.addSample(localSend, serverTime, localSend + up + down);
}

const playbackFrame = (playback: Playback, seq: number): ServerFrame => ({
  type: "playback",
  playback,
  by: "usr_host",
  seq,
});

describe("ClockSync", () => {
  it("measures offset and RTT NTP-style", () => {
    const sync = new ClockSync();
    const sample = exchange(sync, 10_000, 40, 40, 2_500);
    expect(sample).toMatchObject({ rtt: 80, offset: -2_500 });
    expect(sync.serverNow(20_000)).toBe(17_500);
    expect(sync.toLocal(17_500)).toBe(20_000);
  });

  it("trusts the quickest round trips over slow ones", () => {
    const sync = new ClockSync({ best: 3 });
    // Queueing on the way up makes slow samples read the server as later than it is.
    for (let i = 0; i < 10; i++) exchange(sync, i * 1_000, 30 + (i % 2) * 200, 30, 1_000);
    for (let i = 10; i < 13; i++) exchange(sync, i * 1_000, 30 + i / 10, 30, 1_000);
    expect(sync.offset).toBeCloseTo(-1_000, 0);
    expect(sync.minRtt).toBe(60);
    expect(sync.uncertainty).toBe(30);
  });

  it("takes the median of the best samples, so one lucky outlier does not move it", () => {
    const sync = new ClockSync({ best: 3 });
    exchange(sync, 0, 25, 25, 0);
    exchange(sync, 100, 25, 25, 0);
    sync.addSample(200, 200 + 500, 240); // bogus server time, quickest RTT
    expect(sync.offset).toBe(0);
  });

  it("is off by half the asymmetry of the path, and no more", () => {
    const sync = new ClockSync();
    for (let i = 0; i < 8; i++) exchange(sync, i * 100, 150, 50, 0);
    expect(sync.offset).toBe(50);
    expect(sync.uncertainty).toBe(100);
  });

  it("keeps only the last `window` samples", () => {
    const sync = new ClockSync({ window: 4, best: 2 });
    for (let i = 0; i < 4; i++) exchange(sync, i * 100, 10, 10, 5_000);
    for (let i = 4; i < 8; i++) exchange(sync, i * 100, 50, 50, -5_000);
    expect(sync.sampleCount).toBe(4);
    expect(sync.offset).toBe(5_000);
  });

  it("rejects impossible samples", () => {
    const sync = new ClockSync();
    expect(sync.addSample(1_000, 5_000, 900)).toBeNull();
    expect(sync.addSample(Number.NaN, 5_000, 900)).toBeNull();
    expect(sync.addSample(0, 5_000, 60_000)).toBeNull();
    expect(sync.sampleCount).toBe(0);
  });

  it("uses the welcome's server time until pongs arrive", () => {
    const sync = new ClockSync();
    expect(sync.offset).toBe(0);
    sync.seed(1_000_000, 400_000);
    expect(sync.offset).toBe(600_000);
    expect(sync.synced).toBe(false);
    sync.onPong({ t: 400_100, serverTime: 1_000_150 }, 400_200);
    expect(sync.offset).toBe(600_000);
  });

  it("leaves out samples slower than the quickest by more than the tolerance", () => {
    const sync = new ClockSync({ best: 3, toleranceMs: 10 });
    exchange(sync, 0, 30, 30, 0);
    // Queued on the way up: these read the server as later than it is.
    for (let i = 1; i < 8; i++) exchange(sync, i * 100, 30 + 20 + i, 30, 0);
    expect(sync.offset).toBe(0);
    expect(sync.synced).toBe(false);
    exchange(sync, 900, 33, 31, 0);
    exchange(sync, 1_000, 31, 33, 0);
    expect(sync.offset).toBe(0);
    expect(sync.synced).toBe(true);
  });

  it("pings in a burst, then until settled, then at the interval", () => {
    const sync = new ClockSync({
      burst: 2,
      best: 2,
      burstIntervalMs: 100,
      settleIntervalMs: 500,
      settlePings: 1,
      intervalMs: 5_000,
    });
    expect(sync.nextPingAt()).toBe(Number.NEGATIVE_INFINITY);
    expect(sync.ping(1_000)).toEqual({ type: "ping", t: 1_000 });
    expect(sync.nextPingAt()).toBe(1_100);
    sync.ping(1_100);
    exchange(sync, 1_000, 20, 20, 0);
    exchange(sync, 1_100, 21, 20, 0);
    expect(sync.synced).toBe(true);
    expect(sync.settled).toBe(false);
    expect(sync.nextPingAt()).toBe(1_600);
    sync.ping(1_600);
    expect(sync.settled).toBe(true);
    expect(sync.nextPingAt()).toBe(6_600);
    // A much quicker path shows the earlier samples were queued: settle again.
    exchange(sync, 1_600, 5, 5, 0);
    expect(sync.settled).toBe(false);
    expect(sync.nextPingAt()).toBe(2_100);
  });

  it("stops settling after a window of pings", () => {
    const sync = new ClockSync({ burst: 1, window: 2, best: 2, settleIntervalMs: 500, intervalMs: 5_000 });
    sync.ping(0);
    exchange(sync, 0, 20, 20, 0);
    sync.ping(500);
    exchange(sync, 500, 80, 20, 0);
    expect(sync.nextPingAt()).toBe(1_000);
    sync.ping(1_000);
    expect(sync.settled).toBe(false);
    expect(sync.nextPingAt()).toBe(6_000);
  });

  it("refuses a best count larger than its window", () => {
    expect(() => new ClockSync({ window: 2, best: 3 })).toThrow(RangeError);
  });
});

describe("PlaybackClock", () => {
  /** A clock whose local time is 5 s behind the server's. */
  function synced(): PlaybackClock {
    const clock = new PlaybackClock();
    for (let i = 0; i < 4; i++) clock.receive({ type: "pong", t: i, serverTime: i + 5_040 }, i + 80);
    expect(clock.sync.offset).toBe(5_000);
    return clock;
  }

  it("reads the position on the server's clock", () => {
    const clock = synced();
    clock.receive(playbackFrame({ playing: true, position: 10, rate: 1, at: 105_000 }, 3), 99_000);
    expect(clock.positionAt(100_000)).toBe(10);
    expect(clock.positionAt(102_000)).toBe(12);
    expect(clock.isRunning(100_000)).toBe(true);
    expect(clock.drift(12.25, 102_000)).toBeCloseTo(0.25);
  });

  it("holds a scheduled start until its time and says when it is", () => {
    const clock = synced();
    clock.receive(playbackFrame({ playing: true, position: 30, rate: 2, at: 100_300 }, 1), 95_100);
    expect(clock.startAt()).toBe(95_300);
    expect(clock.msUntilStart(95_100)).toBe(200);
    expect(clock.isRunning(95_100)).toBe(false);
    expect(clock.positionAt(95_100)).toBe(30);
    expect(clock.positionAt(95_800)).toBe(31);
    expect(clock.msUntilStart(95_800)).toBe(0);
  });

  it("stands still while paused", () => {
    const clock = synced();
    clock.receive(playbackFrame({ playing: false, position: 42, rate: 1, at: 100_000 }, 1), 95_000);
    expect(clock.positionAt(200_000)).toBe(42);
    expect(clock.startAt()).toBeNull();
    expect(clock.msUntilStart(200_000)).toBeNull();
  });

  it("takes the welcome's state and ignores older playback frames", () => {
    const clock = new PlaybackClock();
    expect(clock.positionAt(0)).toBeNull();
    const playback = { playing: false, position: 7, rate: 1, at: 1_000 };
    const welcome = { type: "welcome", playback, seq: 5, serverTime: 3_000 } as ServerFrame;
    expect(clock.receive(welcome, 1_000)).toBe(true);
    expect(clock.sync.offset).toBe(2_000);
    expect(clock.receive(playbackFrame({ ...playback, position: 1 }, 4), 1_100)).toBe(false);
    expect(clock.receive(playbackFrame({ ...playback, position: 9 }, 6), 1_200)).toBe(true);
    expect(clock.seq).toBe(6);
    expect(clock.positionAt(5_000)).toBe(9);
    expect(clock.receive({ type: "presence", participants: [], seq: 7 }, 1_300)).toBe(false);
  });
});
