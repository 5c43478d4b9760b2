import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Authenticator } from "./auth/authenticator";
import type { Principal } from "./auth/claims";
import { AppError, type ErrorCode, errorResponse, type FieldIssue } from "./errors";
import { requestIdFrom, traceFrom, traceparentOf } from "./http/trace";
import { describeError, log } from "./logging";
import { BEARER_SCHEME } from "./openapi";
import { type Forwarded, forwardedOf } from "./service";
import { illFormedTextPaths, LONE_SURROGATE } from "./unicode";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
    traceparent: string;
    /** Set when the gateway forwarded this request over RPC (see lib/service.ts). */
    forwarded: Forwarded | null;
    /** The service's way to check a bearer token itself, for requests that skip the gateway. */
    authenticator: () => Authenticator;
    /** Set by requireUser(). */
    principal: Principal;
    /** Set by optionalUser(): the caller when signed in, else null. */
    viewer: Principal | null;
  }
}

export interface AppOptions<Bindings> {
  /** The service's name in logs and in its OpenAPI document. */
  service: string;
  /** How this service checks tokens on requests that did not come through the gateway. */
  authenticator: (env: Bindings) => Authenticator;
  /**
   * Largest request body, in bytes (default 64 KiB: every JSON body we accept is far smaller);
   * null for no limit here (the gateway streams bodies to services, which set their own).
   */
  maxBodyBytes?: number | null;
}

export type AppEnv<Bindings> = { Bindings: Bindings };

/**
 * The app every Plaza service starts from: request id and trace context, the standard error body
 * for every failure (validation, malformed JSON, wrong content type, oversized body, unknown
 * route, a method the route does not answer (405 with Allow), unexpected exception), a body size
 * limit, and one JSON access-log line per request.
 */
export function createApp<Bindings extends object>(
  options: AppOptions<Bindings>,
): OpenAPIHono<AppEnv<Bindings>> {
  const app = createRouter<Bindings>();
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", BEARER_SCHEME);

  app.use(async function requestContext(c, next) {
    const started = Date.now();
    const forwarded = forwardedOf(c.req.raw);
    const requestId = forwarded?.requestId ?? requestIdFrom(c.req.header("x-request-id"));
    const traceparent = forwarded?.traceparent ?? traceparentOf(traceFrom(c.req.header("traceparent")));
    c.set("requestId", requestId);
    c.set("traceparent", traceparent);
    c.set("forwarded", forwarded);
    c.set("authenticator", () => options.authenticator(c.env));
    await next();
    // A forwarded response may carry the id already; a 101 must keep its WebSocket untouched.
    if (c.res.status !== 101 && c.res.headers.get("x-request-id") !== requestId)
      c.header("x-request-id", requestId);
    log(c.res.status >= 500 ? "error" : "info", "request", {
      service: options.service,
      requestId,
      traceId: traceparent.slice(3, 35),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Date.now() - started,
      via: forwarded ? "gateway" : "direct",
    });
  });

  if (options.maxBodyBytes !== null) {
    app.use(
      bodyLimit({
        maxSize: options.maxBodyBytes ?? 64 * 1024,
        onError: () => {
          throw new AppError("payload_too_large", "the request body is too large");
        },
      }),
    );
    app.use(utf8JsonBodies);
  }

  // No route answers this method at this path: 405 with the methods that do answer there, else 404.
  let allowedAt: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    allowedAt ??= allowedMethodsOf(app.routes);
    const allowed = allowedAt(c.req.path);
    const error =
      allowed.length > 0
        ? new AppError("method_not_allowed", `this route answers ${allowed.join(", ")}`, {
            headers: { allow: allowed.join(", ") },
          })
        : new AppError("not_found", "no such route");
    return errorResponse(error, c.get("requestId"));
  });
  app.onError((error, c) => toErrorResponse(error, c.get("requestId"), c.req.raw, options.service));
  return app;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * A JSON body must be UTF-8 (RFC 8259). Hono's JSON reader decodes leniently and would store
 * U+FFFD where the bytes were not; the bytes are read and decoded here once, strictly, and a body
 * that does not decode is refused. The text goes into Hono's body cache, where `c.req.json()` (and
 * so the validators) parse it without decoding it again. Bodies of other types (media uploads)
 * are not touched.
 */
const utf8JsonBodies: MiddlewareHandler = async (c, next) => {
  const mediaType = c.req.header("content-type")?.split(";", 1)[0]?.trim() ?? "";
  if (c.req.raw.body !== null && JSON_MEDIA_TYPE.test(mediaType)) {
    let text: string;
    try {
      text = STRICT_UTF8.decode(await c.req.arrayBuffer());
    } catch (error) {
      if (error instanceof TypeError)
        throw new AppError("bad_request", "the request body is not valid UTF-8");
      throw error;
    }
    // Hono keeps promises in its body cache (its `BodyCache` type names the resolved values).
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
  }
  await next();
};

/**
 * The methods an app's routes answer at a path, from its route table once complete (the first
 * unmatched request comes after every route is mounted). Middleware (`ALL`) is not a route; HEAD
 * comes with GET, as Hono answers it.
 */
function allowedMethodsOf(routes: readonly { method: string; path: string }[]): (path: string) => string[] {
  const patterns = routes
    .filter((route) => route.method !== "ALL")
    .map((route) => ({ method: route.method, pattern: routePattern(route.path) }));
  return (path) => {
    const methods = new Set(patterns.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods];
  };
}

/** A Hono route path as a regular expression: `:name` (with or without a `{constraint}`) is one segment, `*` anything. */
function routePattern(path: string): RegExp {
  const segments = path.split("/").map((segment) => {
    if (segment === "*") return ".*";
    if (segment.startsWith(":")) return "[^/]+";
    return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${segments.join("/")}$`);
}

/**
 * A group of routes, mounted on the app with `app.route()`. Invalid input of any of its routes
 * becomes a validation_failed error listing each field, and so does text in a JSON body that
 * storage could not keep as sent (lib/unicode.ts).
 */
export function createRouter<Bindings extends object>(): OpenAPIHono<AppEnv<Bindings>> {
  return new OpenAPIHono<AppEnv<Bindings>>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error.issues, result.target);
      if (result.target !== "json") return;
      const illFormed = illFormedTextPaths(result.data);
      if (illFormed.length > 0) {
        throw validationError(
          illFormed.map((path) => ({ path, message: LONE_SURROGATE })),
          result.target,
        );
      }
    },
  });
}

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  416: "range_not_satisfiable",
  429: "rate_limited",
};

/** Every error a handler throws, as the standard body. Unexpected ones are logged, never shown. */
export function toErrorResponse(
  error: Error,
  requestId: string | undefined = requestIdFrom(null),
  request: Request,
  service: string,
): Response {
  if (error instanceof AppError) {
    if (error.status >= 500) logUnexpected(error.cause ?? error, service, requestId, request);
    return errorResponse(error, requestId);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = CODE_BY_HTTP_STATUS[error.status] ?? "bad_request";
    // Hono's validators throw these: a body that does not parse, or one sent as another media type
    // than the route declares (every route that validates a body declares JSON).
    const message =
      error.status === 400
        ? "the request body is not valid JSON"
        : error.status === 415
          ? "send the request body as JSON, with content-type: application/json"
          : error.message;
    return errorResponse(new AppError(code, message || code), requestId);
  }
  logUnexpected(error, service, requestId, request);
  return errorResponse(new AppError("internal", "something went wrong on our side"), requestId);
}

function logUnexpected(error: unknown, service: string, requestId: string, request: Request): void {
  log("error", "unhandled error", {
    service,
    requestId,
    method: request.method,
    path: new URL(request.url).pathname,
    ...describeError(error),
  });
}

interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
  /** Set on unrecognized_keys issues: the unknown fields, each reported at its own path. */
  keys?: string[];
}

const TARGET_NAMES: Record<string, string> = {
  json: "body",
  param: "path",
  query: "query",
  header: "header",
};

/** A validation_failed error listing each field and what is wrong with it. */
export function validationError(issues: readonly ZodIssueLike[], target?: string): AppError {
  const prefix = target ? (TARGET_NAMES[target] ?? target) : "";
  const pathOf = (...parts: PropertyKey[]) => [prefix, ...parts.map(String)].filter(Boolean).join(".");
  const details: FieldIssue[] = issues.flatMap((issue) =>
    issue.keys
      ? issue.keys.map((key) => ({ path: pathOf(...issue.path, key), message: "unknown field" }))
      : [{ path: pathOf(...issue.path), message: issue.message }],
  );
  return new AppError("validation_failed", "the request is not valid", { details });
}
