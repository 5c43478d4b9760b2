// Plain-text tables and JSON result files for benchmark reports.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";

/**
 * A fixed-width text table; numbers are right-aligned.
 * @param {string[]} header
 * @param {(string | number)[][]} rows
 */
export function formatTable(header, rows) {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row, isHeader) =>
    row
      .map((cell, column) => {
        const numeric = !isHeader && typeof rows[0]?.[column] === "number";
        return numeric ? cell.padStart(widths[column]) : cell.padEnd(widths[column]);
      })
      .join(" | ");
  const separator = widths.map((width) => "-".repeat(width)).join("-|-");
  return [line(cells[0], true), separator, ...cells.slice(1).map((row) => line(row, false))].join("\n");
}

/** Rounds a number to `digits` decimals, keeping it a number. */
export function round(value, digits = 0) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** What machine and runtime produced a result. */
export function environment(extra = {}) {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    ...extra,
  };
}

/** Writes a result as pretty JSON, creating its folder. */
export function writeJson(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
