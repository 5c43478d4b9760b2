// A server in its own Node process, so a benchmark can read its CPU from /proc like workerd's: the child
// prints one JSON line on stdout when it is ready (say, {"port": 41234}) and exits on SIGTERM.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

/**
 * Starts `node <script> ...args` with the same Node as this process and waits for its ready line.
 * @param {string} script
 * @param {string[]} [args]
 * @param {{ readyTimeoutMs?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<{ pid: number, info: any, stop: () => Promise<void> }>}
 */
export async function startNodeServer(script, args = [], { readyTimeoutMs = 10_000, env } = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  try {
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise((resolve, reject) => {
      lines.once("line", (line) => {
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`${script} printed ${line.slice(0, 200)} instead of its ready line`));
        }
      });
      exited.then(([code, signal]) => reject(new Error(`${script} exited (${code ?? signal}) before ready`)));
      setTimeout(
        () => reject(new Error(`${script} not ready after ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      ).unref();
    });
    const info = await ready;
    // Later lines (if any) go to our stderr, so the child never blocks on a full pipe.
    lines.on("line", (line) => process.stderr.write(`[${script}] ${line}\n`));
    return { pid: child.pid ?? 0, info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
