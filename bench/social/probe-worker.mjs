// The probe Worker (inline, benchmark only): calls one building block of the read and write paths
// `n` times in a row from inside workerd (a KV read, a D1 statement, an RPC hop, a Timeline read,
// the services' RPC methods), so that the benchmark can divide workerd's CPU by n: what each piece
// costs, without HTTP around it. See micro.mjs.

/** ES module source; bindings USERS, POSTS, FEED (entrypoints), TIMELINES, REVOKED_SESSIONS, POSTS_DB, USERS_DB. */
export const PROBE_WORKER = `
const inList = (ids) => "(" + ids.map(() => "?").join(",") + ")";
const postsById = (env, a) =>
  env.POSTS_DB.prepare("SELECT * FROM posts WHERE id IN " + inList(a.postIds)).bind(...a.postIds);
const likesAmong = (env, a, i) =>
  env.POSTS_DB.prepare("SELECT post_id FROM likes WHERE user_id = ? AND post_id IN " + inList(a.postIds))
    .bind(a.userIds[i % a.userIds.length], ...a.postIds);

const LOG_LINE = {
  level: "info",
  message: "request",
  service: "feed",
  method: "GET",
  path: "/v1/feed",
  status: 200,
  ms: 7,
  requestId: "req_01JBENCHBENCHBENCHBENCHBENC",
  traceId: "0123456789abcdef0123456789abcdef",
  userId: "usr_01JBENCHBENCHBENCHBENCHBENC",
};

const CALLS = {
  "console.log (an access-log line)": () => console.log(JSON.stringify({ ...LOG_LINE, time: new Date().toISOString() })),
  "kv get (revocation check)": (env) => env.REVOKED_SESSIONS.get("revoked-session:ses_probe"),
  "rpc hop (FeedService.ping)": (env) => env.FEED.ping(),
  "d1 SELECT 1 (posts DB)": (env) => env.POSTS_DB.prepare("SELECT 1").first(),
  "d1 10 posts by id": (env, a) => postsById(env, a).all(),
  "d1 likes among 10 posts": (env, a, i) => likesAmong(env, a, i).all(),
  "d1 batch of both (one call)": (env, a, i) => env.POSTS_DB.batch([postsById(env, a), likesAmong(env, a, i)]),
  "d1 10 profiles by id (users DB)": (env, a) =>
    env.USERS_DB.prepare("SELECT * FROM profiles WHERE id IN " + inList(a.authorIds)).bind(...a.authorIds).all(),
  "timeline readState (DO)": (env, a, i) =>
    env.TIMELINES.get(env.TIMELINES.idFromName(a.userIds[i % a.userIds.length])).readState({ limit: 11, before: null }),
  // A timeline no user reads, so the benchmark's timelines stay as the setup left them.
  "timeline addPosts(1) (fan-out write, DO)": (env, a, i) =>
    env.TIMELINES.get(env.TIMELINES.idFromName("bench-probe")).addPosts([
      { postId: "pst_probe_" + Date.now() + "_" + i, authorId: a.userIds[0], sharedPostId: null, createdAt: Date.now() },
    ]),
  "users.getProfiles(10)": (env, a) => env.USERS.getProfiles(a.authorIds),
  "users.getProfileByHandle": (env, a, i) => env.USERS.getProfileByHandle(a.handles[i % a.handles.length]),
  "posts.getPosts(10)": (env, a, i) => env.POSTS.getPosts({ ids: a.postIds, viewerId: a.userIds[i % a.userIds.length] }),
  "users.followersOf (fan-out list)": (env, a, i) =>
    env.USERS.followersOf({ userId: a.userIds[i % a.userIds.length], limit: 1000 }),
  "posts.recentPostsOf(1, 20)": (env, a, i) =>
    env.POSTS.recentPostsOf({ authorIds: [a.userIds[i % a.userIds.length]], limit: 20 }),
};

export default {
  async fetch(request, env) {
    if (request.method === "GET") return Response.json(Object.keys(CALLS));
    const { call, n, args } = await request.json();
    const fn = CALLS[call];
    if (!fn) return new Response("no such call", { status: 404 });
    for (let i = 0; i < n; i++) await fn(env, args, i);
    return Response.json({ ok: true });
  },
};
`;
