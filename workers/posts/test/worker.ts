import { env } from "cloudflare:workers";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import { request } from "../../../lib/testing/http";
import { deliverBatch } from "../../../lib/testing/queues";
import postsWorker, { type PostsService } from "../src/index";

/** The posts Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; PostsService: Service<PostsService> }>();
export const call = (req: Request) => worker.default.fetch(req);

export function newAccount(): Promise<TestAccount> {
  const auth: Fetches = env.AUTH_HTTP;
  return registerAccount(auth);
}

export interface PostBody {
  id: string;
  text: string;
  author: { id: string; handle: string };
  likeCount: number;
  commentCount: number;
  shareCount: number;
  likedByMe: boolean;
  media: { id: string; contentType: string; url: string }[];
  sharedPost?: PostBody | null;
  createdAt: string;
  editedAt: string | null;
}

export async function newPost(who: TestAccount, text = "hello world", extra: Record<string, unknown> = {}) {
  const response = await call(
    request("POST", "/v1/posts", { token: who.accessToken, body: { text, ...extra } }),
  );
  if (response.status !== 201) throw new Error(`post failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as PostBody;
}

/** A tiny valid PNG (1x1), uploaded through the real media service; returns its id. */
export async function uploadImage(who: TestAccount): Promise<string> {
  const png = Uint8Array.from(
    atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
    (c) => c.charCodeAt(0),
  );
  const response = await env.MEDIA_HTTP.fetch(
    new Request("https://plaza.test/v1/media", {
      method: "POST",
      headers: { authorization: `Bearer ${who.accessToken}`, "content-type": "image/png" },
      body: png,
    }),
  );
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Runs the posts Worker's queue handler (plaza-posts-events) on message bodies, as the queue would. */
export function deliver(bodies: unknown[], runEnv: PostsEnv = env) {
  return deliverBatch("plaza-posts-events", postsWorker.queue, bodies, runEnv);
}
