/**
 * W3C Trace Context (traceparent) and request ids. The gateway accepts a valid incoming
 * traceparent or starts a trace, and opens one span per request that it passes to the service.
 */

import { pooledRandomBytes, ulid } from "../ids";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface TraceContext {
  traceId: string;
  /** This hop's span id; the next hop's parent. */
  spanId: string;
  parentSpanId: string | null;
  flags: string;
}

function randomHex(bytes: number): string {
  let hex = "";
  for (const byte of pooledRandomBytes(bytes)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Continues the caller's trace when its traceparent is valid, else starts a new sampled one. */
export function traceFrom(header: string | null | undefined): TraceContext {
  const match = header ? TRACEPARENT.exec(header.trim()) : null;
  const traceId = match?.[1];
  const parent = match?.[2];
  if (match && traceId && parent && !/^0+$/.test(traceId) && !/^0+$/.test(parent)) {
    return { traceId, parentSpanId: parent, spanId: randomHex(8), flags: match[3] ?? "01" };
  }
  return { traceId: randomHex(16), parentSpanId: null, spanId: randomHex(8), flags: "01" };
}

export function traceparentOf(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/** Keeps a well-formed incoming request id, otherwise makes one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : `req_${ulid()}`;
}
