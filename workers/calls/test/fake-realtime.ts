// Plays Cloudflare's Realtime API (the SFU and TURN keys) for the calls tests. It runs in Node as
// the calls Worker's outbound service (vitest.config.ts): every fetch the Worker makes lands here,
// so the tests replace only the network. It keeps sessions and tracks in memory like the real SFU.

export const FAKE_REALTIME = {
  appId: "test-app",
  appSecret: "test-app-secret",
  turnKeyId: "test-turn-key",
  turnKeyToken: "test-turn-token",
} as const;

interface FakeSession {
  tracks: Map<string, string>; // trackName -> mid
  nextMid: number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** A new fake API with its own memory (one per test run). */
export function fakeRealtime() {
  const sessions = new Map<string, FakeSession>();

  function sessionAnswer(sdp: { type: string; sdp: string } | undefined) {
    if (sdp?.sdp === "invalid")
      return { error: json(400, { errorCode: "invalid_sdp", errorDescription: "cannot parse the SDP" }) };
    return {
      description: sdp
        ? { type: sdp.type === "offer" ? "answer" : "offer", sdp: `answer to ${sdp.sdp.slice(0, 20)}` }
        : undefined,
    };
  }

  async function sfu(request: Request, path: string[]): Promise<Response> {
    const [appId, resource, sessionId, ...rest] = path;
    if (
      appId !== FAKE_REALTIME.appId ||
      request.headers.get("authorization") !== `Bearer ${FAKE_REALTIME.appSecret}`
    )
      return json(401, { errorCode: "unauthorized", errorDescription: "bad app credentials" });
    if (resource !== "sessions" || !sessionId) return json(404, { errorCode: "not_found" });
    const body = (await request.json().catch(() => ({}))) as {
      sessionDescription?: { type: string; sdp: string };
      tracks?: { location?: string; mid?: string; trackName: string; sessionId?: string }[];
    };
    const answer = sessionAnswer(body.sessionDescription);
    if (answer.error) return answer.error;
    if (sessionId === "new" && request.method === "POST") {
      const id = crypto.randomUUID().replaceAll("-", "");
      sessions.set(id, { tracks: new Map(), nextMid: 0 });
      return json(201, {
        sessionId: id,
        ...(answer.description && { sessionDescription: answer.description }),
      });
    }
    const session = sessions.get(sessionId);
    if (!session) return json(404, { errorCode: "session_not_found", errorDescription: "no such session" });
    const action = rest.join("/");
    if (action === "tracks/new" && request.method === "POST") {
      let pulled = false;
      const tracks = (body.tracks ?? []).map((track) => {
        if (track.location === "local") {
          session.tracks.set(track.trackName, track.mid ?? String(session.nextMid++));
          return { mid: track.mid, trackName: track.trackName, sessionId };
        }
        const remote = track.sessionId ? sessions.get(track.sessionId) : undefined;
        if (!remote?.tracks.has(track.trackName))
          return {
            trackName: track.trackName,
            error: { errorCode: "not_found", errorDescription: "no such track" },
          };
        pulled = true;
        return { mid: String(session.nextMid++), trackName: track.trackName, sessionId: track.sessionId };
      });
      return json(200, {
        requiresImmediateRenegotiation: pulled,
        tracks,
        ...(pulled
          ? { sessionDescription: { type: "offer", sdp: "v=0 fake offer" } }
          : answer.description && { sessionDescription: answer.description }),
      });
    }
    if (action === "renegotiate" && request.method === "PUT") return json(200, {});
    if (action === "tracks/close" && request.method === "PUT") {
      const mids = new Set((body.tracks ?? []).map((track) => track.mid));
      for (const [name, mid] of session.tracks) if (mids.has(mid)) session.tracks.delete(name);
      return json(200, { tracks: [...mids].map((mid) => ({ mid })), requiresImmediateRenegotiation: false });
    }
    return json(404, { errorCode: "not_found" });
  }

  function turn(request: Request, path: string[]): Response {
    const [keyId, what, action] = path;
    if (
      keyId !== FAKE_REALTIME.turnKeyId ||
      request.headers.get("authorization") !== `Bearer ${FAKE_REALTIME.turnKeyToken}`
    )
      return json(401, { error: "bad TURN key credentials" });
    if (what !== "credentials" || action !== "generate-ice-servers") return json(404, { error: "not found" });
    return json(201, {
      iceServers: [
        { urls: ["stun:stun.cloudflare.com:3478", "stun:stun.cloudflare.com:53"] },
        {
          urls: [
            "turn:turn.cloudflare.com:3478?transport=udp",
            "turn:turn.cloudflare.com:53?transport=udp",
            "turn:turn.cloudflare.com:3478?transport=tcp",
            "turns:turn.cloudflare.com:443?transport=tcp",
          ],
          username: "fake-turn-username",
          credential: "fake-turn-credential",
        },
      ],
    });
  }

  return async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [version, area, ...path] = url.pathname.split("/").filter(Boolean);
    if (url.hostname !== "rtc.live.cloudflare.com" || version !== "v1")
      return new Response(`the test network has no ${url.origin}`, { status: 502 });
    if (area === "apps") return sfu(request, path);
    if (area === "turn" && path[0] === "keys") return turn(request, path.slice(1));
    return json(404, { errorCode: "not_found" });
  };
}
