import type { ChatMessage, ConversationView, Member } from "./protocol";

/** What the messaging Worker asks of a ChatRoom over RPC, and what it answers. */

export interface NewMember {
  userId: string;
  handle: string;
}

export interface ConversationInit {
  id: string;
  kind: "direct" | "group";
  title: string | null;
  creatorId: string;
  createdAt: number;
  members: NewMember[];
}

export type Refusal = { ok: false; code: "not_found" | "forbidden" | "conflict"; message: string };

export type TicketResult = { ok: true; ticket: string; expiresIn: number } | Refusal;

export interface RoomView {
  conversation: ConversationView;
  members: Member[];
  seq: number;
  /** The asking member's unread messages, now. */
  unread: number;
}

export type ViewResult = ({ ok: true } & RoomView) | Refusal;

export type MembersResult = ({ ok: true; added: string[] } & RoomView) | Refusal;

export type LeaveResult = { ok: true } | Refusal;

export type HistoryResult = { ok: true; messages: ChatMessage[] } | Refusal;

export interface HistoryRequest {
  userId: string;
  beforeSeq?: number | undefined;
  limit: number;
}
