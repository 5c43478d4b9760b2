import { conflict, forbidden, notFound, type Refusal, type SfuSessionRequest } from "./rpc";
import type { CallRecord, CallStorage } from "./storage";

/** Why this user may not use the SFU in this call now (a live SFU call they are connected to), or null. */
export function sfuMemberRefusal(
  call: CallRecord | null,
  userId: string,
  isPresent: (userId: string) => boolean,
): Refusal | null {
  if (!call || call.status === "ended") return notFound();
  if (call.mode !== "sfu") return conflict("this is a mesh call: peers connect to each other");
  if (!isPresent(userId)) return forbidden("join the call (open its WebSocket) first");
  return null;
}

/**
 * Why this member may not act on this SFU session (it must be theirs) or pull these tracks (each
 * published in this call by a member who is still here), or null.
 */
export function sfuSessionRefusal(
  store: CallStorage,
  request: SfuSessionRequest,
  isPresent: (userId: string) => boolean,
): Refusal | null {
  if (store.sfuSessionOwner(request.sessionId) !== request.userId) {
    return notFound("no such SFU session of yours in this call");
  }
  for (const pull of request.pulls ?? []) {
    const owner = store.sfuSessionOwner(pull.sessionId);
    if (!owner || !isPresent(owner) || !store.isPublished(pull.sessionId, pull.trackName)) {
      return notFound(`no track ${pull.trackName} is published in this call by session ${pull.sessionId}`);
    }
  }
  return null;
}
