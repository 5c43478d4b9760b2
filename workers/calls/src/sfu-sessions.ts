import { AppError } from "../../../lib/errors";
import { type CallDeps, refused, roomOf } from "./calls";
import type { CloseTracks, NewTracks, SfuAnswer } from "./schemas";
import { acceptedLocalTracks, SfuClient } from "./sfu";

/**
 * SFU calls: a member's requests to the Realtime SFU, made with the app secret on their behalf.
 * The CallRoom says who may act on which session and which tracks may be pulled, and learns what
 * each member publishes (so the others can pull it).
 */
function sfuOf(deps: CallDeps): SfuClient {
  if (!deps.config.sfu) throw new AppError("conflict", "this deployment has no SFU configured");
  return new SfuClient(deps.config.sfu);
}

export async function openSfuSession(
  deps: CallDeps,
  callId: string,
  userId: string,
  body: object,
): Promise<SfuAnswer> {
  const sfu = sfuOf(deps);
  const room = roomOf(deps, callId);
  const check = await room.checkSfuMember(userId);
  if (!check.ok) refused(check);
  const answer = await sfu.newSession(body);
  if (!answer.sessionId) {
    throw new AppError("unavailable", "the SFU is unavailable right now", {
      cause: "no sessionId in its answer",
    });
  }
  const opened = await room.sfuSessionOpened({ userId, sessionId: answer.sessionId });
  if (!opened.ok) refused(opened);
  return answer;
}

export async function addSfuTracks(
  deps: CallDeps,
  callId: string,
  userId: string,
  sessionId: string,
  body: NewTracks,
): Promise<SfuAnswer> {
  const sfu = sfuOf(deps);
  const room = roomOf(deps, callId);
  const pulls = body.tracks.flatMap((track) =>
    track.location === "remote" ? [{ sessionId: track.sessionId, trackName: track.trackName }] : [],
  );
  const check = await room.checkSfuSession({ userId, sessionId, pulls });
  if (!check.ok) refused(check);
  const answer = await sfu.addTracks(sessionId, body);
  const published = acceptedLocalTracks(body.tracks, answer);
  if (published.length > 0) await room.sfuTracksPublished({ userId, sessionId, tracks: published });
  return answer;
}

export async function renegotiateSfu(
  deps: CallDeps,
  callId: string,
  userId: string,
  sessionId: string,
  body: object,
): Promise<SfuAnswer> {
  const sfu = sfuOf(deps);
  const check = await roomOf(deps, callId).checkSfuSession({ userId, sessionId });
  if (!check.ok) refused(check);
  return sfu.renegotiate(sessionId, body);
}

export async function closeSfuTracks(
  deps: CallDeps,
  callId: string,
  userId: string,
  sessionId: string,
  body: CloseTracks,
): Promise<SfuAnswer> {
  const sfu = sfuOf(deps);
  const room = roomOf(deps, callId);
  const check = await room.checkSfuSession({ userId, sessionId });
  if (!check.ok) refused(check);
  const answer = await sfu.closeTracks(sessionId, body);
  await room.sfuTracksClosed({ userId, sessionId, mids: body.tracks.map((track) => track.mid) });
  return answer;
}
