import { env } from "cloudflare:workers";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import { request } from "../../../lib/testing/http";
import type { MediaService } from "../src/index";

/** The media Worker under test: its public fetch and its gateway/RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; MediaService: Service<MediaService> }>();
export const call = (req: Request) => worker.default.fetch(req);

/** A real account, registered through the real auth service (an auxiliary Worker here). */
export function newAccount(): Promise<TestAccount> {
  const auth: Fetches = env.AUTH_HTTP;
  return registerAccount(auth);
}

/** A request whose body is raw bytes, with its content-length as a client would send it. */
export function fileRequest(
  method: string,
  path: string,
  bytes: Uint8Array,
  options: { token?: string; type?: string; headers?: Record<string, string> } = {},
): Request {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.type) headers.set("content-type", options.type);
  if (!headers.has("content-length")) headers.set("content-length", String(bytes.byteLength));
  return new Request(`https://plaza.test${path}`, { method, headers, body: bytes });
}

export interface MediaBody {
  id: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  url: string;
  createdAt: string;
}

/** Uploads a file in one request; fails the test unless it is stored. */
export async function uploaded(who: TestAccount, bytes: Uint8Array, type: string): Promise<MediaBody> {
  const response = await call(fileRequest("POST", "/v1/media", bytes, { token: who.accessToken, type }));
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as MediaBody;
}

export function getContent(id: string, headers: Record<string, string> = {}, query = ""): Promise<Response> {
  return call(request("GET", `/v1/media/${id}/content${query}`, { headers }));
}

export async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** The media row as D1 has it. */
export function mediaRow(id: string) {
  return env.DB.prepare("SELECT * FROM media WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

/** How many media rows a user has (any status). */
export async function rowsOf(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM media WHERE owner_id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** How many objects the bucket holds under a prefix. */
export async function objectCount(prefix = ""): Promise<number> {
  return (await env.MEDIA_BUCKET.list({ prefix })).objects.length;
}
