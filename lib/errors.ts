/**
 * The one error type of Plaza. Every failure a client can see is an AppError with a code from a
 * closed set; the code alone decides the HTTP status, so a handler cannot pick an inconsistent one.
 */

export const STATUS_BY_CODE = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS_BY_CODE;
export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];

/** One problem with one field of the input, as `details` lists them for validation_failed. */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    details?: FieldIssue[];
  };
}

export interface AppErrorOptions {
  details?: FieldIssue[];
  /** Extra response headers, such as `retry-after` for rate_limited. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override readonly name = "AppError";
  readonly status: ErrorStatus;
  readonly details: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.status = STATUS_BY_CODE[code];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(STATUS_BY_CODE, value);
}

export function errorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: FieldIssue[],
): ErrorBody {
  return { error: details ? { code, message, requestId, details } : { code, message, requestId } };
}

/** The response for an error: the standard body, its status and the headers it needs. */
export function errorResponse(error: AppError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  if (error.status === 401 && !headers.has("www-authenticate")) {
    headers.set("www-authenticate", `Bearer realm="plaza"`);
  }
  return new Response(JSON.stringify(errorBody(error.code, error.message, requestId, error.details)), {
    status: error.status,
    headers,
  });
}
