// A small browser client for Plaza calls in mesh mode: it gets ICE servers and a ticket over HTTP,
// joins the CallRoom over WebSocket (plaza.v1), and connects one RTCPeerConnection to every other
// member, relaying offers, answers and ICE candidates through the room. The newcomer offers to
// everyone already in the call; the others answer. Each connection carries the local camera and
// microphone and a "chat" data channel. Protocol: docs/protocols/call-room.md.

const KEEPALIVE_MS = 20_000;

/** Calls the Plaza API with a bearer token; throws the API's error message on failure. */
export async function api(path, { token, method = "GET", body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok)
    throw new Error(json?.error?.message ?? `${method} ${path} failed with ${response.status}`);
  return json;
}

/**
 * One member's side of a call. Events: "status" (detail: idle, joining, waiting, connecting,
 * connected, ended, left, failed), "roster", "message" ({from, text}), "remote-stream"
 * ({userId, stream}), "peer-closed" ({userId}), "muted".
 */
export class CallClient extends EventTarget {
  /** @param {{ token: string, callId: string, inviteCode?: string, stream: MediaStream }} options */
  constructor({ token, callId, inviteCode, stream }) {
    super();
    this.token = token;
    this.callId = callId;
    this.inviteCode = inviteCode || undefined;
    this.stream = stream;
    /** @type {Map<string, { pc: RTCPeerConnection, channel: RTCDataChannel | null, pending: RTCIceCandidateInit[] }>} */
    this.peers = new Map();
    this.members = [];
    this.userId = null;
    this.status = "idle";
    this.ws = null;
    this.keepalive = null;
  }

  async join(userId) {
    this.userId = userId;
    this.setStatus("joining");
    const query = this.inviteCode ? `?inviteCode=${encodeURIComponent(this.inviteCode)}` : "";
    const base = `/v1/calls/${encodeURIComponent(this.callId)}`;
    const { iceServers } = await api(`${base}/ice-servers${query}`, { token: this.token });
    this.iceServers = iceServers;
    const { ticket } = await api(`${base}/tickets`, {
      token: this.token,
      method: "POST",
      body: this.inviteCode ? { inviteCode: this.inviteCode } : {},
    });
    const url = new URL(`${base}/ws`, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, ["plaza.v1", `ticket.${ticket}`]);
    this.ws = ws;
    ws.addEventListener("message", (event) => this.onFrame(event.data));
    ws.addEventListener("close", (event) => this.onClose(event));
    ws.addEventListener("open", () => {
      const audio = this.stream.getAudioTracks().some((t) => t.enabled);
      const video = this.stream.getVideoTracks().some((t) => t.enabled);
      this.send({ type: "media", audio, video, screen: false });
      // The runtime answers a plain "ping" without waking the room: enough to stay alive.
      this.keepalive = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), KEEPALIVE_MS);
    });
  }

  leave() {
    this.ws?.close(1000, "left");
    this.closeAll("left");
  }

  /** Sends a chat message on every open data channel; returns how many peers it reached. */
  sendMessage(text) {
    let sent = 0;
    for (const peer of this.peers.values()) {
      if (peer.channel?.readyState === "open") {
        peer.channel.send(JSON.stringify({ from: this.userId, text }));
        sent += 1;
      }
    }
    return sent;
  }

  send(frame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new CustomEvent("status", { detail: status }));
  }

  async onFrame(data) {
    if (data === "pong") return;
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    switch (frame.type) {
      case "roster": {
        const first = this.members.length === 0;
        this.members = frame.members;
        this.dispatchEvent(new CustomEvent("roster", { detail: frame }));
        if (first) {
          const others = frame.members.filter((m) => m.userId !== this.userId);
          if (others.length === 0) this.setStatus("waiting");
          for (const member of others) await this.offerTo(member.userId);
        }
        return;
      }
      case "joined":
        // The newcomer sends us an offer; we answer it when it arrives.
        this.setStatus(this.peers.size > 0 ? this.status : "connecting");
        return;
      case "left":
        this.closePeer(frame.userId);
        return;
      case "signal":
        await this.onSignal(frame.from, frame.data);
        return;
      case "muted":
        for (const track of this.stream.getAudioTracks()) track.enabled = false;
        this.dispatchEvent(new CustomEvent("muted", { detail: frame.by }));
        return;
      case "ended":
        this.closeAll("ended");
        return;
      case "closing":
        // The server is closing this socket (its code and reason); the close event may come
        // seconds later, so the call ends for us now.
        this.onClose(frame);
        return;
      case "error":
        console.warn("call error frame", frame);
        return;
    }
  }

  onClose(event) {
    clearInterval(this.keepalive);
    if (this.status !== "ended") this.closeAll(event.code === 4000 ? "ended" : "left");
  }

  peerFor(userId, initiator) {
    const existing = this.peers.get(userId);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const peer = { pc, channel: null, pending: [] };
    this.peers.set(userId, peer);
    for (const track of this.stream.getTracks()) pc.addTrack(track, this.stream);
    pc.addEventListener("icecandidate", (event) => {
      if (event.candidate) this.send({ type: "signal", to: userId, data: event.candidate.toJSON() });
    });
    pc.addEventListener("track", (event) => {
      const [stream] = event.streams;
      if (stream) this.dispatchEvent(new CustomEvent("remote-stream", { detail: { userId, stream } }));
    });
    pc.addEventListener("connectionstatechange", () => this.updateStatus());
    if (initiator) this.attachChannel(peer, pc.createDataChannel("chat"));
    else pc.addEventListener("datachannel", (event) => this.attachChannel(peer, event.channel));
    return peer;
  }

  attachChannel(peer, channel) {
    peer.channel = channel;
    channel.addEventListener("message", (event) => {
      try {
        const { from, text } = JSON.parse(event.data);
        this.dispatchEvent(new CustomEvent("message", { detail: { from, text } }));
      } catch {
        // not one of ours
      }
    });
  }

  async offerTo(userId) {
    const { pc } = this.peerFor(userId, true);
    this.setStatus("connecting");
    await pc.setLocalDescription(await pc.createOffer());
    this.send({ type: "signal", to: userId, data: pc.localDescription.toJSON() });
  }

  async onSignal(from, data) {
    if ("sdp" in data) {
      const peer = this.peerFor(from, false);
      await peer.pc.setRemoteDescription(data);
      if (data.type === "offer") {
        await peer.pc.setLocalDescription(await peer.pc.createAnswer());
        this.send({ type: "signal", to: from, data: peer.pc.localDescription.toJSON() });
      }
      for (const candidate of peer.pending.splice(0)) await peer.pc.addIceCandidate(candidate);
      return;
    }
    const peer = this.peers.get(from) ?? this.peerFor(from, false);
    // Candidates can overtake the description they belong to.
    if (peer.pc.remoteDescription) await peer.pc.addIceCandidate(data);
    else peer.pending.push(data);
  }

  updateStatus() {
    const states = [...this.peers.values()].map((p) => p.pc.connectionState);
    if (states.some((s) => s === "connected")) this.setStatus("connected");
    else if (states.length > 0 && states.every((s) => s === "failed")) this.setStatus("failed");
  }

  closePeer(userId) {
    const peer = this.peers.get(userId);
    if (!peer) return;
    peer.pc.close();
    this.peers.delete(userId);
    this.dispatchEvent(new CustomEvent("peer-closed", { detail: { userId } }));
    if (this.peers.size === 0 && this.status === "connected") this.setStatus("waiting");
  }

  closeAll(status) {
    for (const userId of [...this.peers.keys()]) this.closePeer(userId);
    clearInterval(this.keepalive);
    this.setStatus(status);
  }
}
