// What a FanoutRoom (ws-fanout.mjs) sends and recognises: a room protocol says how message number n
// goes out as a frame, and which received frames are copies of a message (and of which). Frames are
// read as raw bytes on the hot path (no JSON.parse, no string decoding).

/**
 * @typedef {object} FanoutProtocol
 * @property {string} name
 * @property {(n: number, text: string) => string} frame  the frame a sender sends as message `n`
 *   (`text` is JSON-safe)
 * @property {(data: Buffer) => number} copyOf  the message number a received frame is a copy of (the
 *   sender's own echo or ack included), or -1 when it is not a copy
 */

const ERROR = Buffer.from('{"type":"error"');

/** Whether a received frame is a plaza error frame (`{"type":"error",...}`). */
export function isErrorFrame(data) {
  return data.length > ERROR.length && data.compare(ERROR, 0, ERROR.length, 0, ERROR.length) === 0;
}

/** The decimal number that starts at byte `at` of `data` (0 when there is none). */
export function numberAt(data, at) {
  let n = 0;
  for (let i = at; i < data.length; i++) {
    const c = data[i];
    if (c < 48 || c > 57) break;
    n = n * 10 + c - 48;
  }
  return n;
}

const NONCE = Buffer.from('"nonce":"');
const CHAT_BYTE = 0x63; // the "c" of {"type":"chat"

/**
 * The broadcast chat of the WatchSession and of the plain broadcast servers (bench/sessions): a sender
 * sends `{"type":"chat","text":...,"nonce":"<n>"}` and every socket, the sender's included, receives a
 * `{"type":"chat",...}` frame carrying the nonce (found from the end: it follows the text).
 * @type {FanoutProtocol}
 */
export const BROADCAST_CHAT = {
  name: "broadcast-chat",
  frame: (n, text) => `{"type":"chat","text":"${text}","nonce":"${n}"}`,
  copyOf(data) {
    if (data[9] !== CHAT_BYTE) return -1;
    const at = data.lastIndexOf(NONCE);
    return at < 0 ? -1 : numberAt(data, at + NONCE.length);
  },
};
