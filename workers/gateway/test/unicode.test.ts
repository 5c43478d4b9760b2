import { describe, expect, it } from "vitest";
import { illFormedTextPaths } from "../../../lib/unicode";

// Every service's JSON bodies and every room's frames are checked with this (lib/app.ts,
// lib/realtime/socket-room.ts); the bad-input sweep sends a lone surrogate in every string field.
describe("illFormedTextPaths", () => {
  it("finds lone surrogates in values and keys, depth first, and passes paired ones", () => {
    const value = JSON.parse(
      '{"a":"ok \\ud83d\\ude00","b":["x","\\udfff",{"c":"\\ud800"}],"\\ud801":1,"d":{"e":"fine"}}',
    );
    expect(illFormedTextPaths(value)).toEqual([["\ud801"], ["b", 1], ["b", 2, "c"]]);
    expect(illFormedTextPaths({ text: "ok \ud83d\ude00 é \u0000" })).toEqual([]);
    expect(illFormedTextPaths("\ud800")).toEqual([[]]);
    expect(illFormedTextPaths(null)).toEqual([]);
  });

  it("stops at the limit, and walks deep nesting without recursion or quadratic time", () => {
    expect(illFormedTextPaths(Array(50).fill("\ud800"), 3)).toEqual([[0], [1], [2]]);
    let deep: unknown = "\ud800";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [path] = illFormedTextPaths(deep, 1);
    expect(path).toHaveLength(100_000);
  });
});
