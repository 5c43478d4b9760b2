// The Workers of the sync benchmark on one workerd via Miniflare's API (no wrangler dev proxy): the
// real sessions Worker with its WatchSession Durable Object, and the auth and users Workers it calls
// (token keys, profiles). Accounts are registered on the auth Worker directly.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { buildWorkers } from "../../scripts/build.mjs";
import { newSigningKey } from "../../scripts/signing-key.mjs";
import { applyMigrations, ROOT, startWorkers, workerFromConfig } from "../lib/platform.mjs";

const NAMES = ["auth", "users", "sessions"];
const config = (name) => join(ROOT, "workers", name, "wrangler.toml");

/**
 * Starts workerd with the three Workers and migrates their databases.
 * @param {{ build: boolean, onLog?: (log: object) => void }} options  build: rebundle into .build/
 * @returns the platform (mf, workerd pid, direct URLs) and the Workers' names by role
 */
export async function startSyncBench({ build, onLog }) {
  const scripts = build
    ? await buildWorkers(NAMES)
    : Object.fromEntries(NAMES.map((name) => [name, join(ROOT, ".build", name, "index.js")]));
  const signingKey = await newSigningKey();
  const auth = workerFromConfig(config("auth"), scripts.auth, {
    bindings: { SIGNING_KEYS: JSON.stringify([signingKey]), PASSWORD_PEPPER: "bench-pepper-not-secret" },
  });
  const users = workerFromConfig(config("users"), scripts.users);
  const sessions = workerFromConfig(config("sessions"), scripts.sessions);
  const platform = await startWorkers([sessions, auth, users], { onLog });
  try {
    for (const [worker, name] of [
      [auth, "auth"],
      [users, "users"],
      [sessions, "sessions"],
    ]) {
      await applyMigrations(platform.mf, worker.name, join(ROOT, "migrations", name));
    }
    return { ...platform, names: { auth: auth.name, users: users.name, sessions: sessions.name } };
  } catch (error) {
    await platform.mf.dispose();
    throw error;
  }
}

/**
 * Registers `count` accounts on the auth Worker (which creates their profiles in users), two at a
 * time (each registration hashes a password: about 70-120 ms of workerd CPU).
 * @returns {Promise<{ handle: string, userId: string, accessToken: string }[]>}
 */
export async function registerUsers(authUrl, count) {
  const users = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      const handle = `sync_${index}_${randomUUID().slice(0, 8)}`;
      const response = await fetch(new URL("/v1/auth/register", authUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `${handle}@bench.example`, password: "bench-password-1", handle }),
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`register ${handle}: ${response.status} ${body}`);
      const { user, accessToken } = JSON.parse(body);
      users[index] = { handle, userId: user.id, accessToken };
    }
  }
  await Promise.all([worker(), worker()]);
  return users;
}

/** POSTs JSON with a bearer token; returns the parsed body, or throws on an unexpected status. */
export async function postJson(url, token, body, expected = 201) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}
