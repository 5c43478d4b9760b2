// The Workers of the messaging benchmark, all in one workerd (Miniflare's API, no wrangler dev proxy):
// auth (JWKS), users (profiles), messaging (ChatRoom, behind a wrapper that only raises its send rate
// limit), notifications (the live channel the ChatRoom publishes to, and the like notifications),
// posts (likes), and the inline floor and setup Workers.
import { join } from "node:path";
import { newSigningKey } from "../../scripts/signing-key.mjs";
import { workerBundles } from "../lib/bundles.mjs";
import { applyMigrations, ROOT, startWorkers, workerFromConfig } from "../lib/platform.mjs";
import { subclassWrapper, wrapBundle } from "../lib/wrap.mjs";
import { benchWorkers } from "./inline-workers.mjs";

const BUNDLES = ["auth", "users", "messaging", "notifications", "posts"];
const configOf = (name) => join(ROOT, `workers/${name}/wrangler.toml`);

/**
 * ChatRoom as shipped, except its send bucket (CHAT_LIMITS.send: burst 10, 5/s per user), replaced by
 * one of the same class with `limit` as burst and refill: the check still runs on every message.
 * `limit` 0 keeps the shipped bucket.
 */
function chatRoomWrapper(limit) {
  if (!limit) return (bundle) => `export * from "./${bundle}";\nexport { default } from "./${bundle}";\n`;
  return subclassWrapper(
    "ChatRoom",
    `if (!this.sendLimit?.take) throw new Error("bench: ChatRoom has no sendLimit bucket any more");
    this.sendLimit = new this.sendLimit.constructor(${limit}, ${limit});`,
  );
}

/**
 * Starts the benchmark's workerd and migrates its databases.
 * @param {{ build: boolean, bundleDir?: string, sendLimit: number, onLog?: (log: object) => void }} options
 */
export async function startMessagingBench({ build, bundleDir, sendLimit, onLog }) {
  const scripts = await workerBundles(BUNDLES, { build, bundleDir });
  const signingKey = await newSigningKey();
  const auth = workerFromConfig(configOf("auth"), scripts.auth, {
    bindings: { SIGNING_KEYS: JSON.stringify([signingKey]), PASSWORD_PEPPER: "bench-pepper-not-secret" },
  });
  const users = workerFromConfig(configOf("users"), scripts.users);
  const messaging = wrapBundle(
    workerFromConfig(configOf("messaging"), scripts.messaging),
    chatRoomWrapper(sendLimit),
  );
  const notifications = workerFromConfig(configOf("notifications"), scripts.notifications);
  const posts = workerFromConfig(configOf("posts"), scripts.posts);
  const inline = benchWorkers({ users: users.name });
  const real = [auth, users, messaging, notifications, posts];
  const platform = await startWorkers([...real, ...inline.workers], { onLog });
  try {
    for (const [worker, dir] of [
      [auth, "auth"],
      [users, "users"],
      [messaging, "messaging"],
      [notifications, "notifications"],
      [posts, "posts"],
    ]) {
      await applyMigrations(platform.mf, worker.name, join(ROOT, "migrations", dir));
    }
    const names = {
      messaging: messaging.name,
      notifications: notifications.name,
      posts: posts.name,
      ...inline.names,
    };
    return { ...platform, names, signingKey };
  } catch (error) {
    await platform.mf.dispose();
    throw error;
  }
}
