// The DeathStarBench social graph (socfb-Reed98) and the content the benchmark generates for it: one
// user per node, every edge followed both ways, 0-20 posts per user of 256 random characters with
// 1-6 mentions of followed users and 1-6 URLs. Everything random comes from one seeded generator.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/platform.mjs";

/** ../shared/datasets next to the repository (so also next to a CI clone). */
export const DATASET = join(ROOT, "../shared/datasets/socfb-Reed98/socfb-Reed98.edges");

/** A small seeded PRNG (mulberry32): the same seed gives the same graph content and load. */
export function rng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** An integer in [min, max], both included. */
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (items) => items[Math.floor(next() * items.length)];
  return { next, int, pick };
}

/**
 * The graph: node ids 0..users-1 and the undirected edges among them.
 * @param {{ path?: string, maxUsers?: number }} options  maxUsers: keep nodes below it (--quick)
 * @returns {{ users: number, edges: [number, number][], neighbours: number[][] }}
 */
export function loadGraph({ path = DATASET, maxUsers = Number.POSITIVE_INFINITY } = {}) {
  if (!existsSync(path)) {
    throw new Error(`the socfb-Reed98 graph is not at ${path} (see ../shared/datasets/README.md)`);
  }
  const edges = [];
  let users = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const [a, b] = line.trim().split(/\s+/).map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a === b) continue;
    if (a >= maxUsers || b >= maxUsers) continue;
    edges.push([a, b]);
    users = Math.max(users, a + 1, b + 1);
  }
  const neighbours = Array.from({ length: users }, () => []);
  for (const [a, b] of edges) {
    neighbours[a].push(b);
    neighbours[b].push(a);
  }
  return { users, edges, neighbours };
}

const CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ";

/** The handle of node `index` (lib rules: 3-30 of a-z, 0-9, _). */
export const handleOf = (index) => `reed_${index}`;

/**
 * A post as DeathStarBench's compose-post makes it: 256 random characters, then 1-6 mentions of
 * users the author follows (none when the author follows nobody) and 1-6 URLs. No media ids.
 */
export function postText(random, followees) {
  let text = "";
  for (let i = 0; i < 256; i++) text += CHARS[Math.floor(random.next() * CHARS.length)];
  const parts = [text];
  if (followees.length > 0) {
    const mentions = random.int(1, 6);
    for (let i = 0; i < mentions; i++) parts.push(`@${handleOf(random.pick(followees))}`);
  }
  const urls = random.int(1, 6);
  for (let i = 0; i < urls; i++) {
    let slug = "";
    for (let j = 0; j < 10; j++) slug += CHARS[Math.floor(random.next() * 62)];
    parts.push(`https://short.plaza.example/${slug}`);
  }
  return parts.join(" ");
}

/** How many posts each user starts with: 0-20, uniformly (about 10 on average). */
export function postCounts(random, users, max = 20) {
  return Array.from({ length: users }, () => random.int(0, max));
}
