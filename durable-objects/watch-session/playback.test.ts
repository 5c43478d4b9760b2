import { describe, expect, it } from "vitest";
import * as rules from "./playback";
import { positionAt } from "./protocol";

const T0 = 1_000_000;

describe("playback rules", () => {
  it("play schedules a start START_DELAY_MS ahead, from the position reached", () => {
    const state = rules.play(rules.initialPlayback(T0), T0, false);
    expect(state).toEqual({
      wantsToPlay: true,
      playback: { playing: true, position: 0, rate: 1, at: T0 + rules.START_DELAY_MS },
    });
    expect(positionAt(state.playback, T0 + 100)).toBe(0);
    expect(positionAt(state.playback, T0 + rules.START_DELAY_MS + 2000)).toBe(2);
  });

  it("pause keeps the position reached at that instant", () => {
    const playing = rules.play(rules.initialPlayback(T0), T0, false);
    const paused = rules.pause(playing, T0 + rules.START_DELAY_MS + 1500);
    expect(paused.playback).toMatchObject({ playing: false, position: 1.5 });
    expect(paused.wantsToPlay).toBe(false);
  });

  it("a rate change counts from now, or from a start still ahead", () => {
    const playing = rules.play(rules.initialPlayback(T0), T0, false);
    const early = rules.changeRate(playing, 2, T0 + 100);
    expect(early.playback).toMatchObject({ position: 0, rate: 2, at: T0 + rules.START_DELAY_MS });
    const later = rules.changeRate(playing, 2, T0 + rules.START_DELAY_MS + 1000);
    expect(later.playback).toMatchObject({ position: 1, rate: 2, at: T0 + rules.START_DELAY_MS + 1000 });
    expect(positionAt(later.playback, T0 + rules.START_DELAY_MS + 2000)).toBe(3);
  });

  it("seek while playing schedules a fresh start at the new position", () => {
    const playing = rules.play(rules.initialPlayback(T0), T0, false);
    const sought = rules.seek(playing, 60, T0 + 5000);
    expect(sought.playback).toMatchObject({
      playing: true,
      position: 60,
      at: T0 + 5000 + rules.START_DELAY_MS,
    });
  });

  it("hold stops everyone where they are but keeps the wish to play; release starts them together", () => {
    const playing = rules.play(rules.initialPlayback(T0), T0, false);
    const held = rules.hold(playing, T0 + rules.START_DELAY_MS + 4000);
    expect(held).toMatchObject({ wantsToPlay: true, playback: { playing: false, position: 4 } });
    const released = rules.release(held, T0 + 10_000);
    expect(released.playback).toMatchObject({
      playing: true,
      position: 4,
      at: T0 + 10_000 + rules.START_DELAY_MS,
    });
  });

  it("play during a hold waits; release after a pause does nothing", () => {
    const paused = rules.initialPlayback(T0);
    const asked = rules.play(paused, T0, true);
    expect(asked).toMatchObject({ wantsToPlay: true, playback: { playing: false } });
    expect(rules.release(rules.pause(asked, T0 + 1), T0 + 2).playback.playing).toBe(false);
  });

  it("restart puts the new media at 0, playing only if the controllers wanted to", () => {
    const playing = rules.play(rules.initialPlayback(T0), T0, false);
    expect(rules.restart(playing, T0 + 9000, false).playback).toMatchObject({ playing: true, position: 0 });
    expect(rules.restart(rules.pause(playing, T0 + 1), T0 + 9000, false).playback).toMatchObject({
      playing: false,
      position: 0,
    });
  });
});
