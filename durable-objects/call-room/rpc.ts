import type { CallView, Member, Publication } from "./protocol";

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

/** SFU bookkeeping: a member's own session, tracks they publish, tracks they pull from others. */
export type SfuCheck = { ok: true } | Refusal;

export interface SfuTracksChange {
  userId: string;
  sessionId: string;
  published: Publication["tracks"];
}
