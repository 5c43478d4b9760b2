import { z } from "@hono/zod-openapi";

const DECIMAL_DIGITS = /^(0|[1-9][0-9]*)$/;

/**
 * A whole number from a query string or a path segment, written in decimal digits. `z.coerce.number()`
 * also takes "1e2", "0x10", " 1", "01" and "" as numbers, and reports a repeated query parameter as
 * "received NaN"; here each of those is refused with a message that says what is expected.
 */
export function decimalInteger(min: number, max: number) {
  const expected = `a whole number from ${min} to ${max}, in decimal digits`;
  return z
    .string({ error: (issue) => (Array.isArray(issue.input) ? "give it once, not several times" : expected) })
    .regex(DECIMAL_DIGITS, expected)
    .transform(Number)
    .pipe(z.number().min(min, expected).max(max, expected))
    .openapi({ type: "integer", minimum: min, maximum: max });
}

/** decimalInteger, or `fallback` when the parameter is absent. */
export function decimalIntegerOr(min: number, max: number, fallback: number) {
  return decimalInteger(min, max).default(fallback).openapi({ default: fallback, example: fallback });
}
