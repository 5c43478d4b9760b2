import { AppError } from "../../../lib/errors";
import type { SfuConfig } from "./config";
import { SfuAnswer } from "./schemas";

/**
 * The Cloudflare Realtime SFU API, called with the app secret that only this Worker holds. Members
 * reach it through the calls routes; the CallRoom decides who may act on which session.
 */
export class SfuClient {
  constructor(private readonly config: SfuConfig) {}

  newSession(body: object): Promise<SfuAnswer> {
    return this.request("POST", "/sessions/new", body);
  }

  addTracks(sessionId: string, body: object): Promise<SfuAnswer> {
    return this.request("POST", `/sessions/${encodeURIComponent(sessionId)}/tracks/new`, body);
  }

  renegotiate(sessionId: string, body: object): Promise<SfuAnswer> {
    return this.request("PUT", `/sessions/${encodeURIComponent(sessionId)}/renegotiate`, body);
  }

  closeTracks(sessionId: string, body: object): Promise<SfuAnswer> {
    return this.request("PUT", `/sessions/${encodeURIComponent(sessionId)}/tracks/close`, body);
  }

  private async request(method: string, path: string, body: object): Promise<SfuAnswer> {
    const url = `${this.config.apiUrl}/apps/${encodeURIComponent(this.config.appId)}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.config.appSecret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new AppError("unavailable", "the SFU is unavailable right now", { cause: error });
    }
    const json: unknown = await response.json().catch(() => null);
    const parsed = SfuAnswer.safeParse(json);
    const answer = parsed.success ? parsed.data : null;
    if (response.ok && answer && !answer.errorCode) return answer;
    const said = answer?.errorDescription ?? answer?.errorCode ?? `status ${response.status}`;
    // What the member sent (an SDP it could not use, an unknown track) is theirs to fix; our
    // credentials or the SFU itself failing is ours, and is logged.
    if (response.status === 400 || response.status === 404 || (response.ok && answer?.errorCode)) {
      throw new AppError(response.status === 404 ? "not_found" : "bad_request", `the SFU refused: ${said}`);
    }
    throw new AppError("unavailable", "the SFU is unavailable right now", {
      cause: `${method} ${path}: ${response.status} ${said}`,
    });
  }
}

/** The local tracks the SFU accepted, from a request and its answer (matched by track name). */
export function acceptedLocalTracks(
  requested: { location: string; trackName: string; mid?: string | undefined }[],
  answer: SfuAnswer,
): { trackName: string; mid: string }[] {
  const local = new Map(
    requested.filter((t) => t.location === "local").map((t) => [t.trackName, t.mid] as const),
  );
  const accepted: { trackName: string; mid: string }[] = [];
  for (const track of answer.tracks ?? []) {
    if (track.error || track.errorCode || !track.trackName || !local.has(track.trackName)) continue;
    const mid = track.mid ?? local.get(track.trackName);
    if (mid) accepted.push({ trackName: track.trackName, mid });
  }
  return accepted;
}
