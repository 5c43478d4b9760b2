import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser";
import { type Platform, startPlatform } from "./platform";

// Two people in two browser profiles sign up on the call page, one starts a call and the other
// joins it; their browsers exchange offer, answer and ICE candidates through the CallRoom and
// connect directly (mesh), with a data channel message and fake camera frames flowing.

let platform: Platform | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [platform, browser] = await Promise.all([
    startPlatform({ log: process.env.PLAZA_E2E_LOGS === "1" }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function signUp(page: Page, url: string, handle: string): Promise<void> {
  await page.goto(`${url}call/`);
  await page.fill("#register-form [name=handle]", handle);
  await page.fill("#register-form [name=email]", `${handle}@example.com`);
  await page.fill("#register-form [name=password]", "correct horse battery");
  await page.click("#register-form button");
  await page.waitForFunction((h) => document.querySelector("#who")?.textContent?.includes(`@${h}`), handle, {
    timeout: 10_000,
  });
}

async function statusOf(page: Page, wanted: string): Promise<void> {
  await page.waitForFunction((s) => document.querySelector("#status")?.textContent === s, wanted, {
    timeout: 20_000,
  });
}

/** Video frames this page has decoded from its peers (inbound-rtp stats of every connection). */
function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const client = (window as unknown as { plazaCall?: { peers: Map<string, { pc: RTCPeerConnection }> } })
      .plazaCall;
    let frames = 0;
    for (const { pc } of client?.peers.values() ?? []) {
      (await pc.getStats()).forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
        if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded ?? 0;
      });
    }
    return frames;
  });
}

describe("a mesh call between two browsers", () => {
  it("connects through the CallRoom, carries a data channel message and fake camera frames", async () => {
    if (!platform || !browser) throw new Error("the platform or the browser did not start");
    const { url } = platform;
    const suffix = randomBytes(4).toString("hex");
    const [hostContext, guestContext] = [await browser.newContext(), await browser.newContext()];
    const [host, guest] = [await hostContext.newPage(), await guestContext.newPage()];
    const errors: string[] = [];
    for (const page of [host, guest]) page.on("pageerror", (error) => errors.push(error.message));

    await Promise.all([signUp(host, url, `host_${suffix}`), signUp(guest, url, `guest_${suffix}`)]);

    await host.click("#start");
    await statusOf(host, "waiting");
    const callId = (await host.textContent("#call-id")) ?? "";
    const inviteCode = (await host.textContent("#invite-code")) ?? "";
    expect(callId).toMatch(/^cal_/);

    await guest.fill("#join-form [name=callId]", callId);
    await guest.fill("#join-form [name=inviteCode]", inviteCode);
    await guest.click("#join-form button");
    await Promise.all([statusOf(host, "connected"), statusOf(guest, "connected")]);

    await guest.fill("#chat-form [name=text]", "hello over the data channel");
    await guest.click("#chat-form button");
    await host.waitForFunction(
      () =>
        [...document.querySelectorAll("#messages li")].some((li) =>
          li.textContent?.includes("hello over the data channel"),
        ),
      undefined,
      { timeout: 10_000 },
    );

    await expect.poll(() => framesDecoded(host), { timeout: 15_000, interval: 250 }).toBeGreaterThan(0);
    await expect.poll(() => framesDecoded(guest), { timeout: 15_000, interval: 250 }).toBeGreaterThan(0);

    // The room saw both of them, with their cameras on.
    const detail = await host.evaluate(async (id) => {
      const { token } = (window as unknown as { plazaCall: { token: string } }).plazaCall;
      const response = await fetch(`/v1/calls/${id}`, { headers: { authorization: `Bearer ${token}` } });
      return (await response.json()) as { members: { handle: string; media: { video: boolean } }[] };
    }, callId);
    expect(detail.members.map((m) => m.handle).sort()).toEqual([`guest_${suffix}`, `host_${suffix}`]);
    expect(detail.members.every((m) => m.media.video)).toBe(true);
    expect(errors).toEqual([]);
  });
});
