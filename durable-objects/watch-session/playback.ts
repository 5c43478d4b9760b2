import { type Playback, positionAt } from "./protocol";

/**
 * Playback rules, as pure functions of the state and the time. `wantsToPlay` is what the
 * controllers asked for; `playback.playing` is what everyone does, which stays false while a
 * participant is buffering ("wait for everyone") and starts again together.
 */
export interface PlaybackState {
  playback: Playback;
  wantsToPlay: boolean;
}

/**
 * Starts are scheduled this far ahead so that every client has the frame before it must start:
 * one-way delays up to ~150 ms then start in the same instant.
 */
export const START_DELAY_MS = 300;

export function initialPlayback(now: number): PlaybackState {
  return { playback: { playing: false, position: 0, rate: 1, at: now }, wantsToPlay: false };
}

export function play(state: PlaybackState, now: number, holding: boolean): PlaybackState {
  if (state.wantsToPlay && (state.playback.playing || holding)) return state;
  const position = positionAt(state.playback, now);
  if (holding)
    return { wantsToPlay: true, playback: { ...state.playback, playing: false, position, at: now } };
  return {
    wantsToPlay: true,
    playback: { ...state.playback, playing: true, position, at: now + START_DELAY_MS },
  };
}

export function pause(state: PlaybackState, now: number): PlaybackState {
  const position = positionAt(state.playback, now);
  return { wantsToPlay: false, playback: { ...state.playback, playing: false, position, at: now } };
}

export function seek(state: PlaybackState, position: number, now: number): PlaybackState {
  const playing = state.playback.playing;
  return { ...state, playback: { ...state.playback, position, at: playing ? now + START_DELAY_MS : now } };
}

export function changeRate(state: PlaybackState, rate: number, now: number): PlaybackState {
  // A start still in the future keeps its time; otherwise the new rate counts from now.
  const at = Math.max(now, state.playback.at);
  return { ...state, playback: { ...state.playback, position: positionAt(state.playback, at), rate, at } };
}

/** Someone is buffering: everyone stops where they are (the wish to play is kept). */
export function hold(state: PlaybackState, now: number): PlaybackState {
  if (!state.playback.playing) return state;
  return {
    ...state,
    playback: { ...state.playback, playing: false, position: positionAt(state.playback, now), at: now },
  };
}

/** Nobody is buffering any more: if the controllers want to play, everyone starts together. */
export function release(state: PlaybackState, now: number): PlaybackState {
  if (!state.wantsToPlay || state.playback.playing) return state;
  return { ...state, playback: { ...state.playback, playing: true, at: now + START_DELAY_MS } };
}

/** New media (the playlist moved on): from the start, playing if the controllers wanted to. */
export function restart(state: PlaybackState, now: number, holding: boolean): PlaybackState {
  const playing = state.wantsToPlay && !holding;
  return {
    ...state,
    playback: { ...state.playback, position: 0, playing, at: playing ? now + START_DELAY_MS : now },
  };
}
