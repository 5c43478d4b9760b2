// Headless Chromium for end-to-end tests: Debian's `chromium` driven by playwright-core, installed
// with apt-get when it is missing (CI machines run as root), with fake camera and microphone.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: "inherit", timeout: 600_000 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal})`);
}

/** Installs Chromium from the distribution's packages if it is not there yet. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0)
    throw new Error(`${CHROMIUM} is missing: install chromium (apt-get install -y chromium)`);
  run("apt-get", ["update"]);
  run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"]);
  if (!existsSync(CHROMIUM)) throw new Error(`installing chromium did not provide ${CHROMIUM}`);
  return CHROMIUM;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      // WebRTC between two pages of one machine: without it no ICE candidates are gathered.
      "--allow-loopback-in-peer-connection",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
    ],
  });
}
