import type { CallRoom } from "../../../durable-objects/call-room/call-room";
import type { Caller, Refusal } from "../../../durable-objects/call-room/rpc";
import { AppError, type FieldIssue } from "../../../lib/errors";
import { commitWithEvents, type OutboxDeps } from "../../../lib/events/outbox";
import { domainEvent } from "../../../lib/events/publish";
import { newId } from "../../../lib/ids";
import type { CallsConfig } from "./config";
import { type CallRow, findCall, insertCallStatement } from "./db/calls";
import type { CallsDb } from "./db/client";
import { iceServersFor, iceServersOrStun } from "./ice";

export interface CallDeps {
  db: CallsDb;
  rooms: DurableObjectNamespace<CallRoom>;
  users: CallsEnv["USERS"];
  /** Where events are stored with the change and sent from (lib/events/outbox.ts). */
  outbox: OutboxDeps;
  config: CallsConfig;
  traceparent: string;
  now: number;
}

export function roomOf(deps: Pick<CallDeps, "rooms">, callId: string) {
  return deps.rooms.get(deps.rooms.idFromName(callId));
}

const INVITE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function newInviteCode(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) =>
    INVITE_ALPHABET.charAt(byte % 32),
  ).join("");
}

/** Throws the AppError a CallRoom's refusal stands for. */
export function refused(refusal: Refusal): never {
  throw new AppError(refusal.code, refusal.message);
}

/** The users behind invite handles (the host left out); an unknown handle fails the request. */
async function invitees(deps: CallDeps, hostId: string, handles: string[]): Promise<string[]> {
  const unique = [...new Set(handles)];
  const profiles = await Promise.all(unique.map((handle) => deps.users.getProfileByHandle(handle)));
  const unknown: FieldIssue[] = [];
  profiles.forEach((profile, index) => {
    if (!profile)
      unknown.push({
        path: `body.inviteHandles.${handles.indexOf(unique[index] ?? "")}`,
        message: "no such user",
      });
  });
  if (unknown.length > 0) {
    throw new AppError("validation_failed", "the request is not valid", { details: unknown });
  }
  return profiles.flatMap((profile) => (profile && profile.id !== hostId ? [profile.id] : []));
}

export interface NewCallInput {
  title?: string | undefined;
  inviteHandles?: string[] | undefined;
  mode: "mesh" | "sfu";
}

/** Starts a call: its room, its index row, an invitation event per invitee, ICE servers for the host. */
export async function createCall(deps: CallDeps, hostId: string, input: NewCallInput) {
  if (input.mode === "sfu" && !deps.config.sfu) {
    throw new AppError("conflict", "this deployment has no SFU configured: use mode mesh");
  }
  const invited = await invitees(deps, hostId, input.inviteHandles ?? []);
  const row: CallRow = {
    id: newId("cal", deps.now),
    title: input.title ?? null,
    hostId,
    mode: input.mode,
    inviteCode: newInviteCode(),
    status: "live",
    createdAt: deps.now,
    startedAt: null,
    endedAt: null,
    endReason: null,
    durationMs: null,
    peakMembers: 0,
  };
  const maxMembers = deps.config.maxMembers[input.mode];
  // The room first: a call in the index always has its room.
  await roomOf(deps, row.id).initialize({
    id: row.id,
    title: row.title,
    creatorId: hostId,
    mode: row.mode,
    maxMembers,
    invitedIds: invited,
    createdAt: row.createdAt,
  });
  const context = { actorId: hostId, traceparent: deps.traceparent };
  // The index row and its invitations in one transaction; they are sent after the response.
  await commitWithEvents(
    deps.outbox,
    [insertCallStatement(deps.db, row)],
    invited.map((inviteeId) =>
      domainEvent(
        "call.invited",
        { callId: row.id, inviteeId, title: row.title, inviteCode: row.inviteCode },
        context,
      ),
    ),
  );
  const ice = await iceServersOrStun(deps.config, hostId, deps.now);
  return {
    id: row.id,
    title: row.title,
    hostId,
    mode: row.mode,
    maxMembers,
    inviteCode: row.inviteCode,
    createdAt: new Date(row.createdAt).toISOString(),
    iceServers: ice.iceServers,
    iceServersExpireAt: ice.expiresAt,
  };
}

/** The call's row, if it exists and this caller may see it (else 404, as if it did not exist). */
async function visibleCall(deps: CallDeps, callId: string, userId: string, inviteCode?: string) {
  const row = await findCall(deps.db, callId);
  if (!row) throw new AppError("not_found", "no such call");
  const caller: Caller = { userId, hasInviteCode: inviteCode !== undefined && inviteCode === row.inviteCode };
  const result = await roomOf(deps, callId).summary(caller);
  if (!result.ok) refused(result);
  return { row, caller, summary: result.summary };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function callDetail(deps: CallDeps, callId: string, userId: string, inviteCode?: string) {
  const { row, summary } = await visibleCall(deps, callId, userId, inviteCode);
  return {
    id: row.id,
    title: row.title,
    hostId: summary.call.hostId,
    creatorId: row.hostId,
    mode: row.mode,
    maxMembers: summary.call.maxMembers,
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    endReason: row.endReason,
    durationMs: row.durationMs,
    peakMembers: row.peakMembers,
    members: summary.members,
    ...(userId === row.hostId && { inviteCode: row.inviteCode }),
  };
}

/** A single-use ticket to join, for a caller who may see the call and is not refused by it. */
export async function issueTicket(deps: CallDeps, callId: string, userId: string, inviteCode?: string) {
  const { row, caller } = await visibleCall(deps, callId, userId, inviteCode);
  if (row.status === "ended") throw new AppError("not_found", "the call has ended");
  const profile = await deps.users.getProfile(userId);
  if (!profile) throw new AppError("forbidden", "finish your profile first");
  const result = await roomOf(deps, callId).issueTicket({ ...caller, handle: profile.handle });
  if (!result.ok) refused(result);
  return { ticket: result.ticket, expiresIn: result.expiresIn };
}

/** Fresh ICE servers (STUN, and TURN credentials when configured) for someone who may join. */
export async function iceServersForCall(deps: CallDeps, callId: string, userId: string, inviteCode?: string) {
  const { row } = await visibleCall(deps, callId, userId, inviteCode);
  if (row.status === "ended") throw new AppError("not_found", "the call has ended");
  return iceServersFor(deps.config, userId, deps.now);
}

/** The host ends the call for everyone; the room writes the ending to the index. */
export async function endCall(deps: CallDeps, callId: string, userId: string): Promise<void> {
  const row = await findCall(deps.db, callId);
  if (!row || row.status === "ended") throw new AppError("not_found", "no such call");
  const result = await roomOf(deps, callId).end({ userId });
  if (!result.ok) refused(result);
}
