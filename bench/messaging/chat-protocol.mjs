// The chat-room protocol (docs/protocols/chat-room.md) as bench/lib/ws-fanout.mjs's FanoutRoom speaks
// it. A client sends {"type":"send","text":"<n> ...","nonce":"<n>"}; the sender's copy is its
// {"type":"ack","nonce":"<n>"...} and everyone else's is {"type":"message","message":{...,"text":"<n> ..."
// ...}}. Byte 9 tells the frame type; the message number follows "nonce":" or "text":".
import { numberAt } from "../lib/ws-fanout-protocol.mjs";

const ACK_BYTE = 0x61; // the "a" of {"type":"ack"
const MESSAGE_BYTE = 0x6d; // the "m" of {"type":"message"
const NONCE = Buffer.from('"nonce":"');
const TEXT = Buffer.from('"text":"');

function numberAfter(data, marker) {
  const at = data.indexOf(marker);
  return at < 0 ? -1 : numberAt(data, at + marker.length);
}

/** @type {import("../lib/ws-fanout-protocol.mjs").FanoutProtocol} */
export const CHAT_ROOM = {
  name: "chat-room",
  frame: (n, text) => `{"type":"send","text":"${n} ${text}","nonce":"${n}"}`,
  copyOf(data) {
    const kind = data[9];
    if (kind === ACK_BYTE) return numberAfter(data, NONCE);
    if (kind === MESSAGE_BYTE) return numberAfter(data, TEXT);
    return -1;
  },
};
