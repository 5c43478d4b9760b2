import type { CallView, Member } from "./protocol";

/** What the calls Worker asks of a CallRoom over RPC, and what it answers. */

export interface CallInit {
  id: string;
  title: string | null;
  creatorId: string;
  mode: "mesh" | "sfu";
  maxMembers: number;
  invitedIds: string[];
  createdAt: number;
}

export type Refusal = { ok: false; code: "not_found" | "forbidden" | "conflict"; message: string };

export interface CallSummary {
  call: CallView;
  status: "live" | "ended";
  members: Member[];
}

/** Who asks, and whether they brought the right invite code (the Worker checks it). */
export interface Caller {
  userId: string;
  hasInviteCode: boolean;
}

export type TicketResult = { ok: true; ticket: string; expiresIn: number } | Refusal;
export type SummaryResult = { ok: true; summary: CallSummary } | Refusal;
export type EndResult = { ok: true } | Refusal;

/** Whether a member may do what they ask of the SFU. */
export type SfuCheck = { ok: true } | Refusal;

export interface SfuSessionRequest {
  userId: string;
  sessionId: string;
  /** Remote tracks the member wants to pull. */
  pulls?: { sessionId: string; trackName: string }[];
}

export function notFound(message = "no such call"): Refusal {
  return { ok: false, code: "not_found", message };
}

export function forbidden(message: string): Refusal {
  return { ok: false, code: "forbidden", message };
}

export function conflict(message: string): Refusal {
  return { ok: false, code: "conflict", message };
}
