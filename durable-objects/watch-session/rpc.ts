import type { ChatMessage, Playback, SessionView } from "./protocol";

/** What the sessions Worker asks of a WatchSession over RPC, and what it answers. */

export interface SessionInit {
  id: string;
  title: string;
  creatorId: string;
  mediaUrl: string;
  visibility: "private" | "public";
  createdAt: number;
}

export interface SessionSummary {
  session: SessionView;
  status: "live" | "ended";
  playback: Playback;
  participantCount: number;
}

export type Refusal = { ok: false; code: "not_found" | "forbidden"; message: string };

export type TicketResult = { ok: true; ticket: string; expiresIn: number } | Refusal;

export type EndResult = { ok: true } | Refusal;

export interface HistoryRequest {
  before?: string | undefined;
  limit: number;
}

export type { ChatMessage };
