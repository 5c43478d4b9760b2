// DeathStarBench's mixed workload (mixed-workload.lua) on Plaza's API: 60% read home timeline, 30% read
// user timeline, 10% compose post; reads ask for 10 items starting at a random offset. Our timelines
// page by keyset cursor, not by offset, so an offset is reached in one request: the cursor of the item
// just before it, made from the posts the setup created (see README.md, "Offsets").
import { accessTokenSigner, newId } from "../lib/tokens.mjs";
import { postText } from "./dataset.mjs";

/** The DeathStarBench mix, in percent. */
export const MIX = { home: 60, user: 30, compose: 10 };

/** A mix from "home,user,compose" weights (say "60,30,0": reads only); DeathStarBench's by default. */
export function parseMix(text) {
  if (!text) return MIX;
  const [home, user, compose] = text.split(",").map(Number);
  const total = home + user + compose;
  if (!(total > 0)) throw new Error(`--mix ${text}: three weights, home,user,compose`);
  return { home: (home * 100) / total, user: (user * 100) / total, compose: (compose * 100) / total };
}
const PAGE = 10;
const MAX_OFFSET = 100;
const CLIENT_IP = "203.0.113.7";

const cursorOf = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const byNewest = (a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0);

/**
 * What each user's timelines hold after setup, newest first, as [postId, createdAt]: their own posts
 * (user timeline) and their own plus their followees' (home timeline; all of them, as an author has
 * at most 20 posts and a new follower is backfilled with 20). Only the first offset + page matter.
 */
export function expectedTimelines(meta, graph) {
  const own = meta.postsBy;
  const home = own.map((mine, user) => {
    const all = [...mine];
    for (const other of graph.neighbours[user]) all.push(...own[other]);
    return all.sort(byNewest).slice(0, MAX_OFFSET + PAGE);
  });
  return { own, home };
}

/** A random offset into a list of `length` items: 0..100, but never past the last full page. */
function offsetInto(random, length) {
  return random.int(0, Math.min(MAX_OFFSET, Math.max(0, length - PAGE)));
}

/**
 * The request factory of the mix.
 * @param {{ meta: any, graph: any, random: any, urls: { gateway: string, feed: string, posts: string },
 *   order?: "latest" | "ranked", mix?: typeof MIX }} options
 *   urls.feed / urls.posts: the services' own sockets, for the direct baselines
 * @returns {{ users: { id: string, handle: string, token: string }[], timelines: any,
 *   request: (op: string, via?: "gateway" | "direct") => import("../lib/openloop.mjs").RequestSpec,
 *   mixed: () => import("../lib/openloop.mjs").RequestSpec }}
 */
export function socialWorkload({ meta, graph, random, urls, order = "latest", mix = MIX }) {
  const sign = accessTokenSigner(meta.signingKey);
  const users = meta.users.map(({ id, handle }) => ({
    id,
    handle,
    token: sign({ userId: id, sessionId: newId("ses") }),
  }));
  const timelines = expectedTimelines(meta, graph);
  const headersOf = (user) => ({ authorization: `Bearer ${user.token}`, "cf-connecting-ip": CLIENT_IP });
  const anyone = () => random.int(0, users.length - 1);

  const builders = {
    /** The reader's home timeline: 10 items from a random offset (latest) or the ranked first page. */
    home(via) {
      const reader = anyone();
      const base = via === "direct" ? urls.feed : urls.gateway;
      const url = new URL("/v1/feed", base);
      url.searchParams.set("limit", String(PAGE));
      url.searchParams.set("order", order);
      const list = timelines.home[reader];
      const offset = order === "latest" ? offsetInto(random, list.length) : 0;
      if (offset > 0) {
        const [id, at] = list[offset - 1];
        url.searchParams.set("cursor", cursorOf({ k: "t", at, id }));
      }
      return {
        op: order === "latest" ? "home" : "home-ranked",
        url: url.href,
        headers: headersOf(users[reader]),
      };
    },
    /** Someone's posts, read by a random signed-in user: 10 items from a random offset. */
    user(via) {
      const author = anyone();
      const base = via === "direct" ? urls.posts : urls.gateway;
      const url = new URL(`/v1/users/${users[author].handle}/posts`, base);
      url.searchParams.set("limit", String(PAGE));
      const list = timelines.own[author];
      const offset = offsetInto(random, list.length);
      if (offset > 0) {
        const [id, at] = list[offset - 1];
        url.searchParams.set("cursor", cursorOf({ at, id }));
      }
      return { op: "user", url: url.href, headers: headersOf(users[anyone()]) };
    },
    /** A new post by a random user: 256 characters, mentions of followees, URLs (no media). */
    compose() {
      const author = anyone();
      return {
        op: "compose",
        url: new URL("/v1/posts", urls.gateway).href,
        method: "POST",
        headers: { ...headersOf(users[author]), "content-type": "application/json" },
        body: JSON.stringify({ text: postText(random, graph.neighbours[author]) }),
        expect: 201,
      };
    },
  };

  const request = (op, via = "gateway") => builders[op](via);
  const mixed = () => {
    const roll = random.next() * 100;
    return request(roll < mix.home ? "home" : roll < mix.home + mix.user ? "user" : "compose");
  };
  return { users, timelines, request, mixed };
}

/** Items in a page answer (the reads' sanity check); 0 for anything else. */
export function itemsIn(spec, body) {
  if (spec.method === "POST") return 0;
  try {
    return JSON.parse(body).items?.length ?? 0;
  } catch {
    return 0;
  }
}
