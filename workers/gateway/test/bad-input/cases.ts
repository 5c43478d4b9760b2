/**
 * The malformed requests of the bad-input sweep, per kind of input, for every operation of the
 * document: path parameters, JSON bodies, query parameters, headers, tokens, raw bodies, upgrades.
 */
import { env } from "cloudflare:workers";
import { badTokenCases, forgeToken } from "../../../../lib/testing/tokens";
import {
  bodyCases,
  GARBAGE_PATH_VALUES,
  type Parameter,
  validates,
  wellFormedUnknown,
} from "./openapi-cases";
import {
  baselineOf,
  type Case,
  type Expectation,
  fill,
  goodBody,
  jsonSchemaOf,
  operations,
  pathParams,
  queryParams,
  readerOrSweeper,
  security,
  type World,
} from "./world";

export function pathCases(w: World): Case[] {
  return operations(w).flatMap(({ path, method, operation, op }) =>
    pathParams(operation).flatMap((parameter: Parameter) => {
      const unknown = wellFormedUnknown(parameter);
      const integer = parameter.schema.type === "integer";
      const values: [string, string][] = [
        ...(unknown ? [["an unknown id", encodeURIComponent(unknown)] as [string, string]] : []),
        ...GARBAGE_PATH_VALUES,
        ...(integer
          ? (["0", "-1", "1.5", "10001", "1e3", "99999999999999999999"].map((n) => [n, n]) as [
              string,
              string,
            ][])
          : []),
      ];
      return values.map(([name, value]) => ({
        op,
        name: `path.${parameter.name}: ${name}`,
        method,
        path: fill(w, path, { [parameter.name]: value }),
        caller: readerOrSweeper(method, op),
        // Nothing by these names exists, so nothing can be found, changed or deleted.
        expect: "refused" as const,
        ...goodBody(w, op, operation),
      }));
    }),
  );
}

export function jsonBodyCases(w: World): Case[] {
  return operations(w).flatMap(({ path, method, operation, op }) => {
    const schema = jsonSchemaOf(operation);
    if (!schema) return [];
    const baseline = baselineOf(w, op, schema);
    const good = JSON.stringify(baseline);
    const base = { op, method, path: fill(w, path), caller: "sweeper" as const };
    const json = { "content-type": "application/json" };
    return [
      ...bodyCases(w.doc, schema, baseline).map(({ name, text, valid }) => ({
        ...base,
        name,
        body: text,
        headers: json,
        expect: valid ? ("allowed" as const) : ("refused" as const),
      })),
      { ...base, name: "an empty body", headers: json, expect: "refused" as const },
      { ...base, name: "no content-type", body: good, expect: "refused" as const },
      {
        ...base,
        name: "content-type text/plain",
        body: good,
        headers: { "content-type": "text/plain" },
        expect: "refused" as const,
      },
      {
        ...base,
        name: "content-type multipart/form-data",
        body: good,
        headers: { "content-type": "multipart/form-data; boundary=x" },
        expect: "refused" as const,
      },
      {
        ...base,
        name: "bytes that are not UTF-8",
        body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        headers: json,
        expect: "refused" as const,
      },
    ];
  });
}

const b64 = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

/** [name, encoded value, expectation] for one query parameter. */
function queryValues(w: World, parameter: Parameter): [string, string, Expectation][] {
  if (parameter.name === "cursor") {
    return [
      ["not base64", "!!!", "refused"],
      ["one character", "a", "refused"],
      ["base64 of text", b64("hello there"), "refused"],
      ["base64 of null", b64("null"), "refused"],
      ["base64 of an array", b64("[1,2]"), "refused"],
      ["base64 of wrong types", b64('{"at":"x","id":5}'), "refused"],
      ["base64 of 1e400", b64('{"at":1e400,"id":"x"}'), "refused"],
      ["base64 of a cursor with an extra field", b64('{"at":1,"id":"x","extra":true}'), "allowed"],
      ["base64 of a plausible cursor", b64(`{"at":-1,"id":"${"z".repeat(64)}"}`), "allowed"],
      ["600 characters", "c".repeat(600), "refused"],
      ["%00", "%00", "refused"],
      ["%FF", "%FF", "refused"],
    ];
  }
  const raw =
    parameter.schema.type === "integer"
      ? [
          "abc",
          "",
          "-1",
          "0",
          "1.5",
          "1e309",
          "NaN",
          "Infinity",
          "99999999999999999999",
          "0x10",
          "101",
          "1e1",
        ]
      : ["bogus", "", "%00", "%FF", "x".repeat(600), encodeURIComponent("é💥")];
  return raw.map((value) => {
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // kept as sent, as the router does
    }
    const parsed = parameter.schema.type === "integer" ? Number(decoded) : decoded;
    return [
      JSON.stringify(value.slice(0, 20)),
      value,
      validates(w.doc, parameter.schema, parsed) ? "allowed" : "refused",
    ];
  });
}

export function queryCases(w: World): Case[] {
  return operations(w).flatMap(({ path, method, operation, op }) => {
    if (method !== "GET") return [];
    const base = { op, method, caller: readerOrSweeper(method, op) };
    const generic: Case[] = [
      {
        ...base,
        name: "an unknown query parameter",
        path: `${fill(w, path)}?unexpected=%FF&flag`,
        expect: "allowed",
      },
    ];
    return [
      ...generic,
      ...queryParams(operation).flatMap((parameter) => [
        ...queryValues(w, parameter).map(([name, value, expectation]) => ({
          ...base,
          name: `query.${parameter.name}: ${name}`,
          path: `${fill(w, path)}?${parameter.name}=${value}`,
          expect: expectation,
        })),
        {
          ...base,
          name: `query.${parameter.name}: repeated`,
          path: `${fill(w, path)}?${parameter.name}=5&${parameter.name}=6`,
          expect: "allowed" as const,
        },
      ]),
    ];
  });
}

/**
 * Headers a client controls, malformed, on every operation: sent with a body that is not JSON (or
 * an id that names nothing), so nothing is written whatever the headers do.
 */
export function headerCases(w: World): Case[] {
  const headers: [string, Record<string, string>][] = [
    ["a garbage traceparent", { traceparent: "00-zzzz-not-a-trace-01" }],
    ["a 5000-character traceparent", { traceparent: `00-${"a".repeat(5000)}-01` }],
    ["a 1000-character Latin-1 request id", { "x-request-id": "\u00e9".repeat(1000) }],
    ["a 200-character client address", { "cf-connecting-ip": "x".repeat(200) }],
  ];
  return operations(w).flatMap(({ path, method, operation, op }) => {
    const json = jsonSchemaOf(operation) !== undefined;
    const unknownIds = Object.fromEntries(
      pathParams(operation).map((p) => [p.name, encodeURIComponent(wellFormedUnknown(p) ?? "0")]),
    );
    const target = method === "GET" || json ? fill(w, path) : fill(w, path, unknownIds);
    return headers.map(([name, extra]) => ({
      op,
      name,
      method,
      path: target,
      caller: readerOrSweeper(method, op),
      // Reads, and a write with no body and no path parameters (a new ticket), are valid as sent.
      expect:
        method !== "GET" && (json || pathParams(operation).length > 0)
          ? ("refused" as const)
          : ("allowed" as const),
      headers: json ? { ...extra, "content-type": "application/json" } : extra,
      ...(json && { body: "this is not JSON" }),
    }));
  });
}

export async function tokenCases(w: World): Promise<Case[]> {
  const perRoute = operations(w).flatMap(({ path, method, operation, op }) => {
    const kind = security(operation);
    if (kind === "none") return [];
    const base = { op, method, path: fill(w, path), ...goodBody(w, op, operation) };
    return [
      ...(kind === "required"
        ? [{ ...base, name: "no token", caller: "anonymous" as const, expect: "unauthorized" as const }]
        : []),
      {
        ...base,
        name: "a garbage token",
        caller: { authorization: "Bearer garbage" },
        expect: "unauthorized" as const,
      },
    ];
  });
  const jwk = env.TEST_SIGNING_JWK;
  const { sub, sid } = { sub: w.owner.user.id, sid: "ses_00000000000000000000000000" };
  const wrongClaims = (claims: Record<string, unknown>) => forgeToken(jwk, sub, sid, { claims });
  const tokens: [string, string, Expectation][] = [
    ...(await Promise.all(
      badTokenCases(jwk).map(
        async ([name, make]) =>
          [name, `Bearer ${await make(w.owner.accessToken)}`, "unauthorized"] as [
            string,
            string,
            Expectation,
          ],
      ),
    )),
    ["a Basic credential", "Basic dXNlcjpwYXNz", "unauthorized"],
    ["Bearer and nothing", "Bearer ", "allowed"],
    ["two tokens", "Bearer a b", "unauthorized"],
    ["an 8 KiB token", `Bearer ${"a".repeat(8192)}`, "unauthorized"],
    ["a Latin-1 token", "Bearer \u00e9\u00e8", "unauthorized"],
    ["a subject that is a number", `Bearer ${await wrongClaims({ sub: 42 })}`, "unauthorized"],
    ["no session id", `Bearer ${await wrongClaims({ sid: undefined })}`, "unauthorized"],
    ["an exp that is a string", `Bearer ${await wrongClaims({ exp: "soon" })}`, "unauthorized"],
    [
      "a real signature for an unknown user",
      `Bearer ${await forgeToken(jwk, `usr_${"0".repeat(26)}`, sid)}`,
      "allowed",
    ],
  ];
  const targets = [
    { method: "GET", path: "/v1/users/me", op: "GET /v1/users/me" },
    {
      method: "POST",
      path: "/v1/posts",
      op: "POST /v1/posts",
      body: '{"text":"hello"}',
      headers: { "content-type": "application/json" },
    },
  ];
  const variants = targets.flatMap((target) =>
    tokens.map(([name, authorization, expectation]) => ({
      ...target,
      name: `authorization: ${name}`,
      caller: { authorization },
      expect: expectation,
    })),
  );
  return [...perRoute, ...variants];
}

export function mediaCases(w: World): Case[] {
  const upload = (
    name: string,
    expect: Expectation,
    headers: Record<string, string>,
    body?: string | Uint8Array,
  ) => ({
    op: "POST /v1/media",
    name,
    method: "POST",
    path: "/v1/media",
    caller: "sweeper" as const,
    expect,
    headers,
    body,
  });
  const part = (n: number, name: string, headers: Record<string, string>, body?: Uint8Array | string) => ({
    op: "PUT /v1/media/uploads/{uploadId}/parts/{n}",
    name,
    method: "PUT",
    path: `/v1/media/uploads/${w.fixture.upload}/parts/${n}`,
    caller: "owner" as const,
    expect: "refused" as const,
    headers,
    body,
  });
  const ten = new Uint8Array(10).fill(7);
  const range = (name: string, value: Record<string, string>) => ({
    op: "GET /v1/media/{id}/content",
    name,
    method: "GET",
    path: `/v1/media/${w.fixture.media}/content`,
    caller: "anonymous" as const,
    expect: "allowed" as const,
    headers: value,
  });
  return [
    upload("no content-type", "refused", {}, w.png),
    upload("a JSON body", "refused", { "content-type": "application/json" }, '{"file":"x"}'),
    upload("text/plain", "refused", { "content-type": "text/plain" }, "hello"),
    upload("SVG", "refused", { "content-type": "image/svg+xml" }, "<svg onload='x'/>"),
    upload("multipart form data", "refused", { "content-type": "multipart/form-data; boundary=x" }, w.png),
    upload("an empty PNG", "refused", { "content-type": "image/png" }),
    upload("random bytes as PNG", "refused", { "content-type": "image/png" }, ten),
    // The media service reads a file's first bytes only: a PNG cut after its header is taken.
    upload("a truncated PNG", "allowed", { "content-type": "image/png" }, w.png.slice(0, 40)),
    upload(
      "a content-type with parameters",
      "allowed",
      { "content-type": "image/png; charset=binary" },
      w.png,
    ),
    upload("an upper-case content-type", "allowed", { "content-type": "IMAGE/PNG" }, w.png),
    upload("two content-types", "allowed", { "content-type": "image/png, image/jpeg" }, w.png),
    part(1, "no content-type", {}, ten),
    part(1, "a JSON part", { "content-type": "application/json" }, "{}"),
    part(1, "an empty part", { "content-type": "video/mp4" }),
    part(1, "a part of the wrong size", { "content-type": "video/mp4" }, ten),
    part(2, "a last part of the wrong size", { "content-type": "video/mp4" }, ten),
    part(3, "a part past the end", { "content-type": "video/mp4" }, ten),
    {
      op: "POST /v1/media/uploads/{uploadId}/complete",
      name: "completing an upload without its parts",
      method: "POST",
      path: `/v1/media/uploads/${w.fixture.upload}/complete`,
      caller: "owner",
      expect: "refused",
    },
    range("range: not bytes", { range: "items=0-1" }),
    range("range: letters", { range: "bytes=abc" }),
    range("range: backwards", { range: "bytes=5-1" }),
    range("range: past the end", { range: "bytes=999999999-" }),
    range("range: a 30-digit start", { range: `bytes=${"9".repeat(30)}-` }),
    range("range: several", { range: "bytes=0-1,3-4" }),
    range("range: empty suffix", { range: "bytes=-0" }),
    range("if-none-match: garbage", { "if-none-match": '"\u00ff' }),
    ...["", "?variant=thumb", "?variant=medium"].map((query) => ({
      ...range(`a truncated PNG's content${query}`, {}),
      path: `/v1/media/${w.fixture.truncated}/content${query}`,
    })),
  ];
}

export function upgradeCases(w: World): Case[] {
  return operations(w).flatMap(({ path, method, operation, op }) => {
    if (!path.endsWith("/ws")) return [];
    const idParam = pathParams(operation).find((p) => p.name === "id");
    const unknownId = idParam ? (wellFormedUnknown(idParam) ?? "unknown") : "unknown";
    const ws = (protocols?: string) => ({
      upgrade: "websocket",
      ...(protocols !== undefined && { "sec-websocket-protocol": protocols }),
    });
    const variants: [string, string, Record<string, string>][] = [
      ["no upgrade header", fill(w, path), {}],
      ["upgrade: h2c", fill(w, path), { upgrade: "h2c" }],
      ["no subprotocol", fill(w, path), ws()],
      ["plaza.v1 without a ticket", fill(w, path), ws("plaza.v1")],
      ["a ticket without plaza.v1", fill(w, path), ws("ticket.abc")],
      ["a garbage ticket", fill(w, path), ws("plaza.v1, ticket.garbage")],
      ["a 500-character ticket", fill(w, path), ws(`plaza.v1, ticket.${"t".repeat(500)}`)],
      ["an empty ticket", fill(w, path), ws("plaza.v1, ticket.")],
      ["a malformed id", fill(w, path, { id: "not-an-id" }), ws("plaza.v1, ticket.garbage")],
      ["an unknown id", fill(w, path, { id: unknownId }), ws("plaza.v1, ticket.garbage")],
    ];
    return variants.map(([name, url, headers]) => ({
      op,
      name: `upgrade: ${name}`,
      method,
      path: url,
      caller: "anonymous" as const,
      expect: "refused" as const,
      headers,
    }));
  });
}
