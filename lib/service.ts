import { WorkerEntrypoint } from "cloudflare:workers";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { Principal } from "./auth/claims";
import { AppError } from "./errors";

/**
 * What the gateway tells a service about a request it forwards. It travels as an RPC argument,
 * which only a Worker holding a service binding can send: a client cannot forge it the way it
 * could forge a header, so the service does not verify the token a second time.
 */
export interface Forwarded {
  requestId: string;
  traceparent: string;
  clientIp: string | null;
  identity: Identity;
}

/** The outcome of the gateway's token check: no token, a valid one, or one it refused (and why). */
export type Identity =
  | { status: "anonymous" }
  | { status: "authenticated"; principal: Principal }
  | { status: "rejected"; message: string };

/** An app that can serve a request: a Hono app, seen without its types. */
export interface FetchApp<Env> {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
}

/**
 * Requests that arrived through `serve`, with what the gateway said of them. Keyed weakly by the
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
 * The RPC face every Plaza service shows the gateway: a health ping, its OpenAPI document, and
 * `serve`, which runs the service's HTTP app on a request the gateway has already authenticated.
 * Services extend it with their own typed methods.
 */
export abstract class ServiceEntrypoint<Env> extends WorkerEntrypoint<Env> {
  protected abstract readonly app: FetchApp<Env> & Pick<OpenAPIHono, "getOpenAPI31Document">;
  protected abstract readonly serviceName: string;

  /** Answers when the service's isolate runs; overridden where a dependency must be checked too. */
  async ping(): Promise<"ok"> {
    return "ok";
  }

  async serve(request: Request, forwarded: Forwarded): Promise<Response> {
    forwardedRequests.set(request, forwarded);
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

/** Validates an RPC argument as strictly as a request body; a bad one is the caller's bug. */
export function parseRpcArgument<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError("validation_failed", `invalid RPC argument: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
