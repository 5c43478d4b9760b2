// The setup Worker (inline, benchmark only): takes batches of profiles, follows and posts from the
// benchmark and hands each one to the real service over a service binding, the way the gateway
// does (a fetch to the service's named entrypoint with the x-plaza-forwarded header naming the
// caller), minus the gateway's token check and rate limits. One HTTP request from Node carries a
// whole batch, so setup pays for the services' work and little else.

/** ES module source of the Worker; bindings USERS (UsersService), POSTS (PostsService) and TIMELINES. */
export const SETUP_WORKER = `
const TRACEPARENT = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01";

/** lib/service.ts Forwarded: the caller as the gateway would have authenticated it. */
function forwarded(userId) {
  return JSON.stringify({
    requestId: "req_bench_social_setup",
    traceparent: TRACEPARENT,
    clientIp: null,
    identity: { status: "authenticated", principal: { userId, sessionId: "ses_bench_setup" } },
  });
}

async function call(service, method, path, userId, body) {
  const headers = { "x-plaza-forwarded": forwarded(userId) };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await service.fetch("http://service" + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(method + " " + path + ": " + response.status + " " + text.slice(0, 300));
  return text ? JSON.parse(text) : null;
}

const OPS = {
  async profile(env, item) {
    const result = await env.USERS.createProfile(item);
    if (!result.ok) throw new Error("createProfile " + item.handle + ": " + result.reason);
    return null;
  },
  follow(env, { followerId, handle }) {
    return call(env.USERS, "PUT", "/v1/users/" + handle + "/follow", followerId).then(() => null);
  },
  async post(env, { authorId, text }) {
    const post = await call(env.POSTS, "POST", "/v1/posts", authorId, { text });
    return { id: post.id, createdAt: Date.parse(post.createdAt) };
  },
  // An author over the feed's fan-out limit, left as the feed's first fan-out of their posts would
  // leave them (workers/feed/src/events.ts announceBigAuthor): every follower's timeline merges
  // them at read, and their own timeline knows they are big.
  async bigAuthor(env, { userId, followerIds }) {
    const timeline = (id) => env.TIMELINES.get(env.TIMELINES.idFromName(id));
    for (const followerId of followerIds) await timeline(followerId).rememberBigAuthor(userId);
    await timeline(userId).markSelfBig();
    return null;
  },
};

/** Runs op on every item, \`concurrency\` at a time; results in item order. */
async function pool(items, concurrency, op) {
  const results = new Array(items.length);
  const failures = [];
  let next = 0;
  async function lane() {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await op(items[index]);
      } catch (error) {
        failures.push(String(error));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return { results, failures };
}

export default {
  async fetch(request, env) {
    const op = OPS[new URL(request.url).pathname.slice(1)];
    if (!op || request.method !== "POST") return new Response("not found", { status: 404 });
    const { items, concurrency = 8 } = await request.json();
    return Response.json(await pool(items, concurrency, (item) => op(env, item)));
  },
};
`;
