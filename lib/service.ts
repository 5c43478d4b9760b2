import { WorkerEntrypoint } from "cloudflare:workers";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { AppError, errorResponse } from "./errors";
import { requestIdFrom } from "./http/trace";

/**
 * What the gateway tells a service about a request it forwards: its ids, the client's address and
 * the outcome of the one token check (see docs/decisions.md, 1).
 */
export const Forwarded = z.strictObject({
  requestId: z.string().min(1).max(160),
  traceparent: z.string().min(1).max(128),
  clientIp: z.string().max(64).nullable(),
  identity: z.discriminatedUnion("status", [
    z.strictObject({ status: z.literal("anonymous") }),
    z.strictObject({
      status: z.literal("authenticated"),
      principal: z.strictObject({ userId: z.string().min(1), sessionId: z.string().min(1) }),
    }),
    z.strictObject({ status: z.literal("rejected"), message: z.string().max(200) }),
  ]),
});
export type Forwarded = z.infer<typeof Forwarded>;
export type Identity = Forwarded["identity"];

/**
 * The header that carries `Forwarded` from the gateway to a service's ServiceEntrypoint. Only the
 * entrypoint's `fetch` reads it, and that entrypoint is reachable only through a service binding;
 * the gateway always overwrites it. A Worker's public `fetch` never looks at it.
 */
export const FORWARDED_HEADER = "x-plaza-forwarded";

/**
 * Set by the auth service on the response to a request that ended sessions (logout, a revoked
 * session, a password change, refresh-token reuse): the gateway then forgets its isolate's
 * revocation answers, so the ended sessions' access tokens are refused at once through it, and
 * takes the header off before the client sees it (docs/decisions.md, 2).
 */
export const SESSIONS_ENDED_HEADER = "x-plaza-sessions-ended";

/** The request as the gateway hands it to a service: the same request plus what it found. */
export function forwardedRequest(request: Request, forwarded: Forwarded): Request {
  const headers = new Headers(request.headers);
  headers.set(FORWARDED_HEADER, JSON.stringify(forwarded));
  return new Request(request, { headers });
}

/** An app that can serve a request: a Hono app, seen without its types. */
export interface FetchApp<Env> {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
}

/**
 * Requests that arrived through the ServiceEntrypoint's `fetch`, with what the gateway said of them. Keyed weakly by the
 * Request object itself, so an entry lives exactly as long as its request.
 */
const forwardedRequests = new WeakMap<Request, Forwarded>();

/** What the gateway said of this request, or null when it did not come through the gateway. */
export function forwardedOf(request: Request): Forwarded | null {
  return forwardedRequests.get(request) ?? null;
}

/** OpenAPI documents are plain JSON; each service hands the gateway its own. */
export type OpenApiDocument = Record<string, unknown>;

/**
 * The face every Plaza service shows the gateway over its service binding: a health ping and its
 * OpenAPI document over RPC, and `fetch`, which runs the service's HTTP app on a request the
 * gateway has already authenticated. Services extend it with their own typed RPC methods.
 */
export abstract class ServiceEntrypoint<Env> extends WorkerEntrypoint<Env> {
  protected abstract readonly app: FetchApp<Env> & Pick<OpenAPIHono, "getOpenAPI31Document">;
  protected abstract readonly serviceName: string;

  /** Answers when the service's isolate runs; overridden where a dependency must be checked too. */
  async ping(): Promise<"ok"> {
    return "ok";
  }

  /**
   * A request the gateway forwards, already authenticated there. (Plain fetch rather than an RPC
   * method taking the Request: the benchmark measured RPC's serialization at 200+ us more.)
   */
  override async fetch(request: Request): Promise<Response> {
    const header = request.headers.get(FORWARDED_HEADER);
    if (header !== null) {
      try {
        forwardedRequests.set(request, parseForwarded(header));
      } catch (error) {
        if (error instanceof AppError)
          return errorResponse(error, requestIdFrom(request.headers.get("x-request-id")));
        throw error;
      }
    }
    return this.app.fetch(request, this.env, this.ctx);
  }

  async openApi(): Promise<OpenApiDocument> {
    const doc = this.app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: `Plaza ${this.serviceName}`, version: "1" },
    });
    // A JSON round trip strips anything RPC could not carry (undefined, class instances).
    return JSON.parse(JSON.stringify(doc)) as OpenApiDocument;
  }
}

function parseForwarded(header: string): Forwarded {
  let json: unknown;
  try {
    json = JSON.parse(header);
  } catch {
    throw new AppError("bad_request", `${FORWARDED_HEADER} is not JSON`);
  }
  return parseRpcArgument(Forwarded, json);
}

/** Validates an RPC argument as strictly as a request body; a bad one is the caller's bug. */
export function parseRpcArgument<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError("validation_failed", `invalid RPC argument: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
