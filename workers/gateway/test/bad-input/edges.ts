/** Input a schema cannot rule out, for the bad-input sweep. */
import { registerAccount } from "../../../../lib/testing/accounts";
import { call } from "../worker";
import { bodyCases, LONE_SURROGATE_TEXT, ODD_UNICODE } from "./openapi-cases";
import {
  asUser,
  baselineOf,
  type Case,
  type Expectation,
  fill,
  jsonSchemaOf,
  operations,
  type World,
} from "./world";

/**
 * Input a schema cannot rule out, sent in order by one user to things of their own: themselves as
 * the other party, repeats, unknown names, and things used after they were deleted or ended.
 */
export async function edgeCases(w: World): Promise<Case[]> {
  const me = await registerAccount({ fetch: call });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const mine = async (method: string, path: string, body?: unknown) =>
    asUser(me.accessToken, method, path, body);
  const media = await call(
    new Request("https://plaza.test/v1/media", {
      method: "POST",
      headers: { ...as(me.accessToken), "content-type": "image/png" },
      body: w.png,
    }),
  );
  const mediaId = ((await media.json()) as { id: string }).id;
  const post = String((await mine("POST", "/v1/posts", { text: "edge", mediaIds: [mediaId] })).id);
  const doomed = String((await mine("POST", "/v1/posts", { text: "to delete" })).id);
  const comment = String((await mine("POST", `/v1/posts/${post}/comments`, { text: "edge" })).id);
  const conversation = String(
    (await mine("POST", "/v1/conversations", { memberHandles: [w.bystander.handle] })).id,
  );
  const group = String(
    (
      await mine("POST", "/v1/conversations", {
        memberHandles: [w.bystander.handle, w.owner.handle],
        title: "Edge",
      })
    ).id,
  );
  const session = String(
    (await mine("POST", "/v1/sessions", { title: "Edge", mediaUrl: "https://m.example.com/e.mp4" })).id,
  );
  const callId = String((await mine("POST", "/v1/calls", { title: "Edge" })).id);
  const upload = await mine("POST", "/v1/media/uploads", {
    contentType: "video/mp4",
    size: 6 << 20,
    filename: "e.mp4",
  });
  const unknownHandles = (n: number) => Array.from({ length: n }, (_, i) => `nobody_${i}_zz`);
  const json = { "content-type": "application/json" };
  const edge = (method: string, op: string, path: string, expect: Expectation, body?: unknown): Case => ({
    op: `${method} ${op}`,
    name: `edge: ${body === undefined ? path : JSON.stringify(body).slice(0, 80)}`,
    method,
    path,
    caller: as(me.accessToken),
    expect,
    ...(body !== undefined && { body: JSON.stringify(body), headers: json }),
  });
  const things: Record<string, string> = {
    posts: post,
    comments: comment,
    conversations: group,
    sessions: session,
    calls: callId,
    media: mediaId,
    upload: String(upload.uploadId),
    handle: w.bystander.handle,
    userId: w.bystander.user.id,
  };
  // Every body the document allows that a mutation produced, sent by the owner of what it names.
  const allowedBodies = operations(w).flatMap(({ path, method, operation, op }) => {
    const schema = jsonSchemaOf(operation);
    if (!schema || op.startsWith("POST /v1/auth/")) return [];
    return bodyCases(w.doc, schema, baselineOf(w, op, schema))
      .filter(({ valid }) => valid)
      .map(({ name, text }) => ({
        op,
        name: `as the owner: ${name}`,
        method,
        path: fill(w, path, {}, things),
        caller: as(me.accessToken),
        expect: "allowed" as const,
        body: text,
        headers: json,
      }));
  });
  const u = "/v1/users/{handle}/follow";
  const c = "/v1/conversations";
  const s = "/v1/sessions/{id}";
  const p = "/v1/posts/{id}";
  const k = "/v1/calls/{id}";
  return [
    ...allowedBodies,
    edge("PUT", u, `/v1/users/${me.handle}/follow`, "allowed"),
    edge("DELETE", u, `/v1/users/${me.handle}/follow`, "allowed"),
    edge("POST", c, c, "allowed", { memberHandles: [me.handle] }),
    edge("POST", c, c, "allowed", { memberHandles: [`@${w.bystander.handle}`] }),
    edge("POST", c, c, "allowed", {
      memberHandles: [w.bystander.handle, w.bystander.handle],
      title: "Twice",
    }),
    edge("POST", c, c, "allowed", { memberHandles: unknownHandles(99), title: "Nobody" }),
    edge("POST", `${c}/{id}/members`, `${c}/${conversation}/members`, "allowed", { handles: [me.handle] }),
    edge("POST", `${c}/{id}/members`, `${c}/${conversation}/members`, "allowed", {
      handles: [w.bystander.handle],
    }),
    edge("POST", `${c}/{id}/members`, `${c}/${conversation}/members`, "allowed", {
      handles: unknownHandles(99),
    }),
    edge(
      "DELETE",
      `${c}/{id}/members/{userId}`,
      `${c}/${conversation}/members/usr_${"0".repeat(26)}`,
      "allowed",
    ),
    edge(
      "DELETE",
      `${c}/{id}/members/{userId}`,
      `${c}/${conversation}/members/${w.bystander.user.id}`,
      "allowed",
    ),
    ...["not-an-id", "%00", "x".repeat(64), me.user.id.toLowerCase()].map((userId) =>
      edge("DELETE", `${c}/{id}/members/{userId}`, `${c}/${group}/members/${userId}`, "refused"),
    ),
    edge("POST", `${c}/{id}/members`, `${c}/${group}/members`, "allowed", {
      handles: [me.handle, w.bystander.handle],
    }),
    edge("GET", `${c}/{id}/messages`, `${c}/${group}/messages?before=${Number.MAX_SAFE_INTEGER}`, "allowed"),
    edge("POST", `${s}/invites`, `/v1/sessions/${session}/invites`, "allowed", { handles: [me.handle] }),
    edge("POST", `${s}/invites`, `/v1/sessions/${session}/invites`, "allowed", {
      handles: [`@${w.bystander.handle}`, w.bystander.handle],
    }),
    edge("POST", `${s}/invites`, `/v1/sessions/${session}/invites`, "allowed", {
      handles: unknownHandles(20),
    }),
    edge("POST", `${s}/tickets`, `/v1/sessions/${session}/tickets`, "allowed", { inviteCode: "ZZZZZZZZZZ" }),
    edge("GET", `${s}/messages`, `/v1/sessions/${session}/messages?before=msg_${"0".repeat(26)}`, "allowed"),
    edge("POST", "/v1/posts", "/v1/posts", "refused", { text: "x", mediaIds: [String(upload.mediaId)] }),
    edge("POST", "/v1/posts", "/v1/posts", "allowed", { text: "x", mediaIds: [mediaId, mediaId] }),
    edge("PATCH", p, `/v1/posts/${post}`, "refused", { text: "   " }),
    edge("PATCH", p, `/v1/posts/${post}`, "allowed", { text: ODD_UNICODE }),
    edge("PATCH", p, `/v1/posts/${post}`, "refused", { text: LONE_SURROGATE_TEXT }),
    edge("POST", `${p}/comments`, `/v1/posts/${post}/comments`, "refused", { text: LONE_SURROGATE_TEXT }),
    edge("POST", `${p}/shares`, `/v1/posts/${post}/shares`, "allowed", { text: "   " }),
    edge("PUT", `${p}/like`, `/v1/posts/${post}/like`, "allowed"),
    edge("PUT", `${p}/like`, `/v1/posts/${post}/like`, "allowed"),
    edge("DELETE", `${p}/like`, `/v1/posts/${post}/like`, "allowed"),
    edge("DELETE", `${p}/like`, `/v1/posts/${post}/like`, "allowed"),
    edge("DELETE", "/v1/comments/{id}", `/v1/comments/${comment}`, "allowed"),
    edge("DELETE", "/v1/comments/{id}", `/v1/comments/${comment}`, "refused"),
    edge("DELETE", p, `/v1/posts/${doomed}`, "allowed"),
    edge("POST", `${p}/comments`, `/v1/posts/${doomed}/comments`, "refused", { text: "late" }),
    edge("PUT", `${p}/like`, `/v1/posts/${doomed}/like`, "refused"),
    edge("POST", `${p}/shares`, `/v1/posts/${doomed}/shares`, "refused", {}),
    edge("GET", `${p}/comments`, `/v1/posts/${doomed}/comments`, "refused"),
    edge("DELETE", "/v1/media/{id}", `/v1/media/${mediaId}`, "allowed"),
    edge("GET", p, `/v1/posts/${post}`, "allowed"),
    edge("DELETE", "/v1/media/{id}", `/v1/media/${mediaId}`, "refused"),
    edge(
      "POST",
      "/v1/media/uploads/{uploadId}/complete",
      `/v1/media/uploads/${upload.uploadId}/complete`,
      "refused",
    ),
    edge("DELETE", "/v1/media/uploads/{uploadId}", `/v1/media/uploads/${upload.uploadId}`, "allowed"),
    edge("DELETE", "/v1/media/uploads/{uploadId}", `/v1/media/uploads/${upload.uploadId}`, "refused"),
    edge(
      "POST",
      "/v1/media/uploads/{uploadId}/complete",
      `/v1/media/uploads/${upload.uploadId}/complete`,
      "refused",
    ),
    edge("POST", "/v1/calls", "/v1/calls", "allowed", { inviteHandles: [me.handle] }),
    edge("POST", "/v1/calls", "/v1/calls", "allowed", { inviteHandles: unknownHandles(20) }),
    edge("GET", `${k}/ice-servers`, `/v1/calls/${callId}/ice-servers?inviteCode=ZZZZZZZZZZ`, "allowed"),
    edge("DELETE", k, `/v1/calls/${callId}`, "allowed"),
    edge("DELETE", k, `/v1/calls/${callId}`, "allowed"),
    edge("POST", `${k}/tickets`, `/v1/calls/${callId}/tickets`, "refused", {}),
    edge("GET", `${k}/ice-servers`, `/v1/calls/${callId}/ice-servers`, "allowed"),
    edge("DELETE", s, `/v1/sessions/${session}`, "allowed"),
    edge("DELETE", s, `/v1/sessions/${session}`, "allowed"),
    edge("POST", `${s}/tickets`, `/v1/sessions/${session}/tickets`, "refused", {}),
    edge("POST", `${s}/invites`, `/v1/sessions/${session}/invites`, "refused", {
      handles: [w.bystander.handle],
    }),
    edge("GET", `${s}/messages`, `/v1/sessions/${session}/messages`, "allowed"),
    edge("PATCH", "/v1/users/me", "/v1/users/me", "allowed", { avatarUrl: "javascript:alert(1)" }),
    edge("PATCH", "/v1/users/me", "/v1/users/me", "allowed", {
      avatarUrl: `https://a.example/${"a".repeat(2000)}`,
    }),
    edge("POST", "/v1/notifications/read", "/v1/notifications/read", "allowed", { all: true }),
    edge("POST", "/v1/notifications/read", "/v1/notifications/read", "allowed", { ids: unknownHandles(100) }),
    edge("POST", "/v1/push/expo-tokens", "/v1/push/expo-tokens", "allowed", {
      token: "ExponentPushToken[edge]",
    }),
    edge("POST", "/v1/push/expo-tokens", "/v1/push/expo-tokens", "allowed", {
      token: "ExponentPushToken[edge]",
    }),
    edge(
      "DELETE",
      "/v1/push/expo-tokens/{token}",
      `/v1/push/expo-tokens/${encodeURIComponent("ExponentPushToken[edge]")}`,
      "allowed",
    ),
    edge(
      "DELETE",
      "/v1/push/expo-tokens/{token}",
      `/v1/push/expo-tokens/${encodeURIComponent("ExponentPushToken[edge]")}`,
      "allowed",
    ),
    // Last: these end the user's sessions.
    edge("POST", "/v1/auth/password", "/v1/auth/password", "allowed", {
      currentPassword: me.password,
      newPassword: me.password,
    }),
    edge("DELETE", "/v1/auth/sessions/{id}", `/v1/auth/sessions/ses_${"0".repeat(26)}`, "allowed"),
  ];
}
