// From a like to the post owner's live socket: the owner holds a /v1/me/ws socket (the notifications
// Worker's UserChannel); other users like the owner's posts (PUT /v1/posts/:id/like on the posts
// Worker), one post each so no notification groups with another; each like is timed from the request
// to the `notification` frame about that post on the owner's socket. The path: posts stores the like
// and publishes post.liked to the notifications queue; the notifications consumer stores the
// notification and publishes it to the owner's channel. Likes are spaced `intervalMs` apart.
import { setTimeout as sleep } from "node:timers/promises";
import { latencySummary } from "../lib/load.mjs";
import { openSocket } from "../lib/ws-fanout.mjs";
import { post } from "./targets.mjs";

/**
 * @param {{ postsUrl: string, notificationsUrl: string, users: { token: string, userId: string }[],
 *   likes: number, intervalMs: number, timeoutMs?: number }} options
 */
export async function measureLikeToSocket({
  postsUrl,
  notificationsUrl,
  users,
  likes,
  intervalMs,
  timeoutMs = 60_000,
}) {
  const [owner, ...likers] = users;
  if (likers.length < likes) throw new Error(`need ${likes + 1} users for ${likes} likes`);
  const { ticket } = await post(notificationsUrl, "/v1/me/tickets", owner.token);
  const socket = await openSocket(new URL("/v1/me/ws", notificationsUrl.replace(/^http/, "ws")).href, [
    "plaza.v1",
    `ticket.${ticket}`,
  ]);
  const postIds = [];
  for (let i = 0; i < likes; i++) {
    postIds.push((await post(postsUrl, "/v1/posts", owner.token, { text: `bench post ${i}` })).id);
  }
  const likedAt = new Map();
  const latencies = [];
  let done;
  const all = new Promise((resolve) => {
    done = resolve;
  });
  socket.on("message", (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type !== "notification" || frame.notification.type !== "like") return;
    const started = likedAt.get(frame.notification.subject.id);
    if (started === undefined) return;
    likedAt.delete(frame.notification.subject.id);
    latencies.push(performance.now() - started);
    if (latencies.length === likes) done();
  });
  const errors = [];
  const requests = postIds.map(async (postId, i) => {
    await sleep(i * intervalMs);
    likedAt.set(postId, performance.now());
    const response = await fetch(new URL(`/v1/posts/${postId}/like`, postsUrl), {
      method: "PUT",
      headers: { authorization: `Bearer ${likers[i].token}` },
    });
    if (!response.ok)
      errors.push(`like ${postId}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  });
  await Promise.all(requests);
  const timedOut = await Promise.race([all.then(() => false), sleep(timeoutMs).then(() => true)]);
  socket.terminate();
  const summary = latencySummary(latencies);
  return {
    likes,
    received: latencies.length,
    timedOut,
    errors,
    p50: summary.p50,
    p99: summary.p99,
    mean: summary.mean,
    max: Math.max(...latencies),
  };
}
