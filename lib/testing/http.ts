/** Request builders for tests: JSON bodies, bearer tokens, a client address per test. */

let counter = 0;

/** A value no other test in this run uses (emails, handles, IPs). */
export function unique(prefix = "t"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A client IP of its own, so rate limits of one test do not reach another. */
export function uniqueIp(): string {
  const n = () => Math.floor(Math.random() * 250) + 1;
  return `10.${n()}.${n()}.${n()}`;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export function request(method: string, path: string, options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return new Request(`https://plaza.test${path}`, { method, headers, body });
}

export interface ErrorBodyShape {
  error: { code: string; message: string; requestId: string; details?: { path: string; message: string }[] };
}

/** Reads an error response and checks it has the standard shape. */
export async function errorOf(response: Response): Promise<ErrorBodyShape["error"]> {
  const body = (await response.json()) as ErrorBodyShape;
  if (!body.error || typeof body.error.code !== "string" || typeof body.error.requestId !== "string") {
    throw new Error(`not the standard error body: ${JSON.stringify(body)}`);
  }
  return body.error;
}

/**
 * The error an RPC call fails with. Awaiting the call directly (rather than through
 * `expect(...).rejects`) keeps the runtime from reporting its internal promise as unhandled.
 */
export async function rpcError(call: () => Promise<unknown>): Promise<Error> {
  try {
    await call();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  throw new Error("the RPC call succeeded, but it was expected to fail");
}
