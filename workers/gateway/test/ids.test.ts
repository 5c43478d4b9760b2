import { describe, expect, it } from "vitest";
import { traceFrom } from "../../../lib/http/trace";
import { isId, newId, pooledRandomBytes, ulid } from "../../../lib/ids";

// The gateway makes a request id and a span (often a trace) id for every request: from pooled
// random bytes (lib/ids.ts).
describe("ids from pooled random bytes", () => {
  it("are well formed, time-ordered and distinct across several refills of the pool", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newId("req", 1_700_000_000_000 + i));
    expect(ids.every((id) => isId(id, "req"))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const sameMs = Array.from({ length: 600 }, () => ulid(1_700_000_000_000));
    expect(new Set(sameMs.map((id) => id.slice(10))).size).toBe(sameMs.length);
  });

  it("hands out fresh bytes on every call, a refill included", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(Array.from(pooledRandomBytes(16)).join(","));
    expect(seen.size).toBe(300);
    // Bytes look uniform: every value of a byte shows up over 4,800 of them.
    const counts = new Array(256).fill(0);
    for (let i = 0; i < 300; i++) for (const byte of pooledRandomBytes(16)) counts[byte]++;
    expect(counts.every((n) => n > 0)).toBe(true);
  });

  it("give trace and span ids that are hex and distinct", () => {
    const traces = Array.from({ length: 500 }, () => traceFrom(null));
    expect(traces.every((t) => /^[0-9a-f]{32}$/.test(t.traceId) && /^[0-9a-f]{16}$/.test(t.spanId))).toBe(
      true,
    );
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(500);
    expect(new Set(traces.map((t) => t.spanId)).size).toBe(500);
  });
});
