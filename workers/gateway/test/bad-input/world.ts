/**
 * What the bad-input sweep works with: the gateway's OpenAPI document, the accounts, the owner's
 * things the sweep must leave unchanged, and how a case names an operation, a path and a body.
 */
import type { TestAccount } from "../../../../lib/testing/accounts";
import { request } from "../../../../lib/testing/http";
import { call } from "../worker";
import { type OpenApiDoc, type Operation, type Schema, schemaName, validates } from "./openapi-cases";

/** The run's state, made once before the sweep (bad-input.test.ts). */
export interface World {
  doc: OpenApiDoc;
  /** Owns the things the sweep must not change. */
  owner: TestAccount;
  /** The other member of the owner's conversation, and the one invited where an invitee is needed. */
  bystander: TestAccount;
  png: Uint8Array;
  /** The owner's things by the first segment of their path (posts, sessions...), `handle`, `userId`, `upload`. */
  fixture: Record<string, string>;
  /**
   * Operations that answer a plain valid request with 503 `unavailable` in this test setup (a
   * provider it does not configure, such as web push): their cases may get the same answer.
   */
  unavailable: ReadonlySet<string>;
}

/** refused: must be a 4xx; allowed: the document allows it, any answer below 500; 401: exactly. */
export type Expectation = "refused" | "allowed" | "unauthorized";
/** Who sends it: a sweeper (rotated, for the write limit), the owner of the fixtures, or no one. */
export type Caller = "sweeper" | "owner" | "anonymous" | { authorization: string };

export interface Case {
  op: string;
  name: string;
  method: string;
  path: string;
  caller: Caller;
  expect: Expectation;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Every operation of the document: its path template, method, operation object and "METHOD /path". */
export const operations = (w: World) =>
  Object.entries(w.doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      path,
      method: method.toUpperCase(),
      operation,
      op: `${method.toUpperCase()} ${path}`,
    })),
  );

/** A request as `token`'s user that must succeed (setting things up, reading them back). */
export async function asUser(token: string, method: string, path: string, body?: unknown) {
  const response = await call(request(method, path, { token, body }));
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

/** The real value of a path parameter, from `things` (the owner's, unless a case brings its own). */
function realValue(template: string, name: string, things: Record<string, string>): string {
  const byName: Record<string, string | undefined> = {
    handle: things.handle,
    userId: things.userId,
    uploadId: things.upload,
    n: "1",
    sessionId: "sfu_session_1",
    token: "ExponentPushToken[sweep]",
  };
  const value = name === "id" ? things[template.split("/")[2] ?? ""] : byName[name];
  return encodeURIComponent(value ?? "unknown");
}

/**
 * The path of an operation: `values` where given, else the real value from `things` (by default
 * the owner's: ids by the path's first segment, `handle`, `userId` of another member, `upload`).
 */
export function fill(
  w: World,
  template: string,
  values: Record<string, string> = {},
  things = w.fixture,
): string {
  return template.replace(
    /\{(\w+)\}/g,
    (_, name: string) => values[name] ?? realValue(template, name, things),
  );
}

export const pathParams = (operation: Operation) =>
  (operation.parameters ?? []).filter((p) => p.in === "path");
export const queryParams = (operation: Operation) =>
  (operation.parameters ?? []).filter((p) => p.in === "query");
export const jsonSchemaOf = (operation: Operation) =>
  operation.requestBody?.content["application/json"]?.schema;
export const isRawBody = (operation: Operation) =>
  operation.requestBody !== undefined && jsonSchemaOf(operation) === undefined;
export const security = (operation: Operation) =>
  !operation.security
    ? "none"
    : operation.security.some((s) => Object.keys(s).length === 0)
      ? "optional"
      : "required";

/** A valid body per schema, the starting point of every mutation (checked against the document). */
function baselines(w: World): Record<string, Record<string, unknown>> {
  const sdp = { type: "offer", sdp: "v=0" };
  return {
    Registration: {
      email: "sweep@example.com",
      password: "correct horse battery",
      handle: "sweep_new",
      displayName: "Sweep",
    },
    Login: { email: "nobody@example.com", password: "wrong password" },
    RefreshRequest: { refreshToken: "A".repeat(43) },
    // A wrong current password: a mutation the schema allows must not change anyone's password.
    PasswordChange: { currentPassword: "not my password", newPassword: "another good password" },
    UpdateProfile: { displayName: "Sweep", bio: "bio", avatarUrl: null },
    NewSession: { title: "Sweep", mediaUrl: "https://media.example.com/film.mp4", visibility: "private" },
    TicketRequest: { inviteCode: "ABCDEFGHJK" },
    SessionInvite: { handles: [w.bystander.handle] },
    NewPost: { text: "sweep", mediaIds: [] },
    PostEdit: { text: "edited" },
    NewShare: { text: "shared" },
    NewComment: { text: "comment" },
    NewUpload: { contentType: "video/mp4", size: 1000, filename: "a.mp4" },
    NewConversation: { memberHandles: [w.bystander.handle, w.owner.handle], title: "Sweep group" },
    NewMembers: { handles: [w.bystander.handle] },
    ReadNotifications: { ids: ["ntf_unknown"] },
    PreferencesUpdate: {
      types: { follow: { inApp: true, push: false }, message: { email: false } },
      phone: null,
    },
    PushSubscription: {
      endpoint: "https://fcm.googleapis.com/fcm/send/sweep-1",
      expirationTime: null,
      keys: {
        p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth: "tBHItJI5svbpez7KI4CCXg",
      },
    },
    ExpoPushToken: { token: "ExponentPushToken[sweep]" },
    NewCall: { title: "Sweep", inviteHandles: [w.bystander.handle], mode: "mesh" },
    CallTicketRequest: { inviteCode: "ABCDEFGHJK" },
    NewSfuSession: { sessionDescription: sdp },
    NewTracks: { sessionDescription: sdp, tracks: [{ location: "local", mid: "0", trackName: "cam" }] },
    Renegotiation: { sessionDescription: { type: "answer", sdp: "v=0" } },
    CloseTracks: { sessionDescription: sdp, tracks: [{ mid: "0" }], force: false },
  };
}

export function baselineOf(w: World, op: string, schema: Schema): Record<string, unknown> {
  const name = schemaName(schema);
  const baseline = name ? baselines(w)[name] : undefined;
  if (!baseline) throw new Error(`${op}: no valid baseline body for ${name ?? "its inline schema"}; add one`);
  if (!validates(w.doc, schema, baseline)) throw new Error(`${op}: the baseline ${name} is not valid`);
  return baseline;
}

/** The body a case sends when the body is not what it tests: valid JSON, or a small PNG. */
export function goodBody(w: World, op: string, operation: Operation): Pick<Case, "body" | "headers"> {
  const schema = jsonSchemaOf(operation);
  if (schema)
    return {
      body: JSON.stringify(baselineOf(w, op, schema)),
      headers: { "content-type": "application/json" },
    };
  if (isRawBody(operation)) return { body: w.png, headers: { "content-type": "image/png" } };
  return {};
}

/**
 * Reads go as the owner, so that they reach past the membership checks of the owner's things (and
 * reads do not count against the write limit); upload parts too (only the owner's upload takes
 * them, and they do not count either). Other writes rotate over the sweepers.
 */
export function readerOrSweeper(method: string, op: string): Caller {
  return method === "GET" || op.includes("/parts/") ? "owner" : "sweeper";
}
