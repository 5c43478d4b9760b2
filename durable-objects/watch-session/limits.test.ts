import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_PARTICIPANTS, maxParticipantsFrom } from "./limits";

describe("maxParticipantsFrom (the WATCH_MAX_PARTICIPANTS var)", () => {
  it("is 1000 when the var is unset", () => {
    expect(DEFAULT_MAX_PARTICIPANTS).toBe(1000);
    expect(maxParticipantsFrom(undefined)).toBe(1000);
  });

  it("takes a whole number from 1 to 10000", () => {
    expect(maxParticipantsFrom("1")).toBe(1);
    expect(maxParticipantsFrom(" 250 ")).toBe(250);
    expect(maxParticipantsFrom("10000")).toBe(10_000);
  });

  it.each(["", " ", "abc", "0", "-5", "2.5", "1e3", "0x10", "10001", "NaN", "Infinity", "1000 participants"])(
    "refuses %j with a message that names the var",
    (value) => {
      expect(() => maxParticipantsFrom(value)).toThrow(
        `WATCH_MAX_PARTICIPANTS must be a whole number from 1 to 10000, not ${JSON.stringify(value)}`,
      );
    },
  );
});
