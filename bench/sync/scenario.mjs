// One round of the sync benchmark: a new session, fresh simulated clients joining it, clock sync,
// then the host's playback changes, each sampled on every client at the same true instants.
import { setTimeout as sleep } from "node:timers/promises";
import { round } from "../lib/report.mjs";
import { drawProfile, SimClient } from "./sim-client.mjs";
import { postJson } from "./workers.mjs";

/** The host's changes, in order (seek and rate while playing, a pause, a resume). */
export const STEPS = [
  { type: "play", frame: { type: "play" } },
  { type: "seek", frame: { type: "seek", position: 600 } },
  { type: "rate", frame: { type: "rate", rate: 1.5 } },
  { type: "pause", frame: { type: "pause" } },
  { type: "play", frame: { type: "play" } },
  { type: "rate", frame: { type: "rate", rate: 0.75 } },
  { type: "seek", frame: { type: "seek", position: 60 } },
];

const sleepUntil = (trueTime) => sleep(Math.max(0, trueTime - Date.now()));

/** Runs `task` over `items`, `limit` at a time. */
async function eachLimited(items, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** Creates the session (user 0, the first client, is its host); returns its id and invite code. */
function createSession(sessionsUrl, host) {
  const media = { title: "sync bench", mediaUrl: "https://media.example.com/film.mp4" };
  return postJson(new URL("/v1/sessions", sessionsUrl).href, host.accessToken, media);
}

/** Joins every client: a ticket, then the WebSocket (resolves when the welcome is through). */
async function join(sessionsUrl, session, users, clients) {
  const base = new URL(`/v1/sessions/${session.id}`, sessionsUrl).href;
  const wsUrl = `${base.replace(/^http/, "ws")}/ws`;
  await eachLimited(clients, 8, async (client) => {
    const body = { inviteCode: session.inviteCode };
    const { ticket } = await postJson(`${base}/tickets`, users[client.index].accessToken, body);
    await client.connect(wsUrl, ticket);
  });
}

/**
 * Waits until every client's clock sync has settled (the reference client pings on until it has), or
 * the timeout; returns how many have not.
 */
async function awaitSync(clients, timeoutMs) {
  const until = Date.now() + timeoutMs;
  const unsettled = () => clients.filter((client) => !client.clock.sync.settled).length;
  while (Date.now() < until && unsettled() > 0) await sleep(50);
  return unsettled();
}

/** Every client's computed position at true time T, against the server's. */
function sample(clients, frame, trueTime, lib) {
  const truth = lib.positionAt(frame.playback, trueTime);
  const positions = [];
  const unbiased = [];
  let late = 0;
  for (const client of clients) {
    const state = client.stateAt(trueTime);
    if (!state) throw new Error(`client ${client.index} has no playback state`);
    if (state.seq < frame.seq) late += 1;
    const serverNow = client.clock.sync.serverNow(trueTime + client.profile.offsetMs);
    positions.push(lib.positionAt(state.playback, serverNow));
    // The same without the error no ping can see (the path's asymmetry).
    unbiased.push(lib.positionAt(state.playback, serverNow - client.profile.biasMs));
  }
  const spread = (values) => (Math.max(...values) - Math.min(...values)) * 1000;
  return {
    spreadMs: spread(positions),
    unbiasedSpreadMs: spread(unbiased),
    late,
    deviationsMs: positions.map((position) => round((position - truth) * 1000, 2)),
  };
}

/**
 * How far a client's position jumped when the frame `seq` reached it (media ms): 0 for a start
 * announced ahead; for a change that applies at once (pause, rate), the time it ran on the old
 * state, times the rate difference; for a seek, the seek itself.
 */
function jumpAtArrival(client, seq, lib) {
  const index = client.history.findIndex((entry) => entry.seq === seq);
  const before = client.history[index - 1];
  if (index < 1 || !before) return null;
  const { playback, deliveredAt } = client.history[index];
  const serverNow = client.clock.sync.serverNow(deliveredAt + client.profile.offsetMs);
  return (lib.positionAt(playback, serverNow) - lib.positionAt(before.playback, serverNow)) * 1000;
}

/** A pong's true one-way delays beyond the drawn path (ms): jitter, spikes, and queueing. */
function pongTiming({ sentAt, serverTime, receivedAt }, { offsetMs, upMs, downMs }) {
  const upExcessMs = serverTime - (sentAt - offsetMs) - upMs;
  const downExcessMs = receivedAt - offsetMs - serverTime - downMs;
  return {
    at: Math.round(sentAt - offsetMs),
    upExcessMs: round(upExcessMs, 1),
    downExcessMs: round(downExcessMs, 1),
  };
}

/** The host sends one change; resolves with the playback frame the server broadcast for it. */
function change(host, clients, step, timeoutMs) {
  return new Promise((resolve, reject) => {
    const after = Math.max(...clients.map((client) => client.clock.seq));
    const timer = setTimeout(() => {
      reject(new Error(`no playback frame for ${step.type} (host errors: ${host.errors.join("; ")})`));
    }, timeoutMs);
    for (const client of clients) {
      client.onArrival = (frame) => {
        if (frame.seq <= after) return;
        for (const other of clients) other.onArrival = () => {};
        clearTimeout(timer);
        resolve(frame);
      };
    }
    host.send(step.frame);
  });
}

/**
 * One round: a new session, fresh clients (paths and clocks drawn from `random.profiles`, per-frame
 * jitter from `random.jitter`). @returns the clients' profiles and clock errors, and per change the
 * frame, when each client got it (relative to its `at`) and the samples at each instant.
 */
export async function runRound({ sessionsUrl, users, lib, random, opts, log }) {
  const session = await createSession(sessionsUrl, users[0]);
  const clients = users.map(
    (_, index) =>
      new SimClient({
        index,
        profile: drawProfile(random.profiles, opts),
        lib,
        random: random.jitter,
        net: opts,
      }),
  );
  try {
    await join(sessionsUrl, session, users, clients);
    const syncStarted = Date.now();
    const unsettled = await awaitSync(clients, opts.syncTimeoutMs);
    const syncMs = Date.now() - syncStarted;
    const clockAfterSync = clients.map((client) => client.clockError());
    const changes = [];
    for (const step of STEPS) {
      const frame = await change(clients[0], clients, step, 5_000);
      const { at } = frame.playback;
      const samples = [];
      for (const afterMs of opts.instants) {
        await sleepUntil(at + afterMs + 2);
        samples.push({ afterMs, ...sample(clients, frame, at + afterMs, lib) });
      }
      const leadMs = clients.map((client) => {
        const got = client.history.find((entry) => entry.seq === frame.seq);
        return got ? at - got.deliveredAt : null;
      });
      const jumpMs = clients.map((client) => jumpAtArrival(client, frame.seq, lib));
      changes.push({ type: step.type, seq: frame.seq, playback: frame.playback, leadMs, jumpMs, samples });
    }
    const errors = clients.flatMap((client) => client.errors.map((error) => `${client.index}: ${error}`));
    if (errors.length) throw new Error(`client errors: ${errors.slice(0, 5).join("; ")}`);
    log(`session ${session.id}: ${clients.length} clients (${unsettled} unsettled after ${syncMs} ms)`);
    return {
      sessionId: session.id,
      syncMs,
      unsettled,
      clients: clients.map((client, index) => ({
        ...client.profile,
        samples: client.clock.sync.sampleCount,
        minRttMs: client.clock.sync.minRtt,
        clockErrorAfterSyncMs: clockAfterSync[index],
        clockErrorMs: client.clockError(),
        pongs: client.pongs.map((pong) => pongTiming(pong, client.profile)),
      })),
      changes,
    };
  } finally {
    for (const client of clients) client.close();
  }
}
