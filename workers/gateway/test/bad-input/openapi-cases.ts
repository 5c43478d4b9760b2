/**
 * Malformed inputs derived from the gateway's merged OpenAPI document (bad-input.test.ts): a small
 * JSON Schema checker for the subset our zod schemas produce, and the mutations of a valid body
 * that make one field wrong in one way. The checker is the oracle: a mutated body it accepts may be
 * answered with a 2xx; one it refuses must get a 4xx.
 */

export type Schema = { [key: string]: unknown };

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Record<string, unknown>[];
}

/** A JSON body with one thing wrong: `text` is sent as is (it may not be JSON at all). */
export interface BodyCase {
  name: string;
  text: string;
  /** Whether the document's schema accepts it (then a 2xx is a fair answer). */
  valid: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Follows a `$ref` into the document's components. */
export function deref(doc: OpenApiDoc, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const target = doc.components.schemas[ref.replace("#/components/schemas/", "")];
  if (!target) throw new Error(`the document has no ${ref}`);
  return deref(doc, target);
}

/** The name of a body's schema (`Registration`), when it is a component. */
export function schemaName(schema: Schema): string | null {
  return typeof schema.$ref === "string" ? schema.$ref.replace("#/components/schemas/", "") : null;
}

function hasType(type: unknown, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      // zod's int() takes safe integers only.
      return typeof value === "number" && Number.isSafeInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return true;
  }
}

/** Whether `value` satisfies `schema` (formats aside: those are left to the server). */
export function validates(doc: OpenApiDoc, raw: Schema, value: unknown): boolean {
  const schema = deref(doc, raw);
  const list = (key: string) => (Array.isArray(schema[key]) ? (schema[key] as Schema[]) : null);
  const anyOf = list("anyOf");
  if (anyOf) return anyOf.some((branch) => validates(doc, branch, value));
  const oneOf = list("oneOf");
  if (oneOf) return oneOf.filter((branch) => validates(doc, branch, value)).length === 1;
  const allOf = list("allOf");
  if (allOf && !allOf.every((branch) => validates(doc, branch, value))) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  if ("const" in schema && schema.const !== value) return false;
  if (schema.type !== undefined && ![schema.type].flat().some((type) => hasType(type, value))) return false;
  const num = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
  if (typeof value === "string") {
    if (!value.isWellFormed()) return false;
    if (value.length < (num("minLength") ?? 0) || value.length > (num("maxLength") ?? Infinity)) return false;
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value)) return false;
  }
  if (typeof value === "number") {
    if (value < (num("minimum") ?? -Infinity) || value > (num("maximum") ?? Infinity)) return false;
  }
  if (Array.isArray(value)) {
    if (value.length < (num("minItems") ?? 0) || value.length > (num("maxItems") ?? Infinity)) return false;
    const items = schema.items;
    if (isObject(items) && !value.every((item) => validates(doc, items, item))) return false;
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    if (!required.every((key) => key in value)) return false;
    for (const [key, field] of Object.entries(value)) {
      // Own properties only: a "__proto__" key must not find Object.prototype.
      const known = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (known) {
        if (!validates(doc, known, field)) return false;
      } else if (schema.additionalProperties === false) {
        return false;
      } else if (isObject(schema.additionalProperties)) {
        if (!validates(doc, schema.additionalProperties as Schema, field)) return false;
      }
    }
  }
  return true;
}

/** One value of each JSON type, to put where another type belongs. */
const WRONG_TYPES: [string, unknown][] = [
  ["string", "a string"],
  ["number", 12345],
  ["boolean", true],
  ["null", null],
  ["object", { nested: "object" }],
  ["array", ["an", "array"]],
];

const jsonTypeOf = (value: unknown) =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "array"
      : typeof value === "number"
        ? "number"
        : typeof value;

/** Stands for a number JSON can write but JavaScript reads as Infinity (1e400). */
const INFINITY_MARK = "__bad_input_infinity__";

/** Strings no field should choke on: control characters, a lone surrogate, bidi overrides, emoji. */
export const ODD_UNICODE = "nul\u0000 rtl\u202e zwj👩‍👩‍👧 é";
/** Text storage cannot keep (lib/unicode.ts): refused wherever a string is taken. */
export const LONE_SURROGATE_TEXT = "caf\ud800e";

function fieldMutations(doc: OpenApiDoc, raw: Schema, current: unknown): [string, unknown][] {
  const schema = deref(doc, raw);
  const out: [string, unknown][] = [];
  for (const [type, value] of WRONG_TYPES) {
    if (type !== jsonTypeOf(current)) out.push([`${type} instead of ${jsonTypeOf(current)}`, value]);
  }
  const num = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
  if (typeof current === "string") {
    const max = num("maxLength");
    if (max !== undefined) {
      out.push([`${max + 1} characters (max ${max})`, "a".repeat(max + 1)]);
      const far = Math.min(max * 10, 60_000);
      if (far > max + 1) out.push([`${far} characters (max ${max})`, "b".repeat(far)]);
    }
    if ((num("minLength") ?? 0) > 0) out.push(["an empty string", ""]);
    if (typeof schema.pattern === "string") out.push(["a string off its pattern", "not valid at all!"]);
    if (Array.isArray(schema.enum)) out.push(["a value outside the enum", "not-one-of-them"]);
    out.push(["odd unicode", ODD_UNICODE], ["a lone surrogate", LONE_SURROGATE_TEXT]);
  }
  if (typeof current === "number") {
    const min = num("minimum");
    const max = num("maximum");
    if (min !== undefined) out.push([`below the minimum ${min}`, min - 1]);
    if (max !== undefined) out.push([`above the maximum ${max}`, max + 1]);
    out.push(["a fraction", 1.5], ["a negative number", -1], ["2^64", 2 ** 64], ["1e400", INFINITY_MARK]);
  }
  if (Array.isArray(current)) {
    const items = isObject(schema.items) ? deref(doc, schema.items) : {};
    const sample = current[0] ?? (items.type === "string" ? "x".repeat(Number(items.minLength ?? 1)) : 1);
    const min = num("minItems");
    const max = num("maxItems");
    if (min !== undefined && min > 0) out.push(["an empty array", []]);
    if (max !== undefined) out.push([`${max + 1} items (max ${max})`, Array(max + 1).fill(sample)]);
    out.push(["an item of the wrong type", [42]], ["a repeated item", [sample, sample]]);
  }
  return out;
}

const REMOVE = Symbol("remove");

/** `base` with the field at `path` set to `value` (or removed, for REMOVE); `base` is not changed. */
function withField(base: unknown, path: (string | number)[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(base)) {
    const copy = [...base];
    copy[Number(head)] = withField(copy[Number(head)], rest, value);
    return copy;
  }
  const copy = { ...(base as Record<string, unknown>) };
  if (rest.length === 0 && value === REMOVE) delete copy[head];
  else copy[head] = withField(copy[head], rest, value);
  return copy;
}

/** Every one-field mutation of `baseline` (an object valid for `schema`), at every depth. */
function mutationsOf(
  doc: OpenApiDoc,
  root: Schema,
  raw: Schema,
  baseline: unknown,
  at: (string | number)[],
): { name: string; value: unknown }[] {
  let schema = deref(doc, raw);
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) schema = deref(doc, branches.find((b) => validates(doc, b, baseline)) ?? {});
  const out: { name: string; value: unknown }[] = [];
  const label = (path: (string | number)[]) => ["body", ...path].join(".");
  if (isObject(baseline)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const key of required) {
      out.push({ name: `${label([...at, key])} missing`, value: withField(root, [...at, key], REMOVE) });
    }
    for (const [key, value] of Object.entries(baseline)) {
      const field = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (!field) continue;
      for (const [name, wrong] of fieldMutations(doc, field, value)) {
        out.push({ name: `${label([...at, key])}: ${name}`, value: withField(root, [...at, key], wrong) });
      }
      out.push(...mutationsOf(doc, root, field, value, [...at, key]));
    }
    out.push({
      name: `${label([...at, "unexpected"])}: an unknown field`,
      value: withField(root, [...at, "unexpected"], 1),
    });
  } else if (Array.isArray(baseline) && baseline.length > 0 && isObject(schema.items)) {
    out.push(...mutationsOf(doc, root, schema.items, baseline[0], [...at, 0]));
  }
  return out;
}

const toText = (value: unknown) => JSON.stringify(value).replaceAll(`"${INFINITY_MARK}"`, "1e400");

/**
 * The malformed JSON bodies for an operation whose body schema is `schema`, from a valid `baseline`;
 * `oracle` (the schema by default) says which of them are valid.
 */
export function bodyCases(
  doc: OpenApiDoc,
  schema: Schema,
  baseline: Record<string, unknown>,
  oracle: Schema = schema,
): BodyCase[] {
  const check = (text: string) => {
    try {
      return validates(doc, oracle, JSON.parse(text));
    } catch {
      return false;
    }
  };
  const whole: [string, string][] = [
    ["not JSON", "this is not JSON"],
    ["truncated JSON", toText(baseline).slice(0, -3)],
    ["a JSON array", toText([baseline])],
    ["a JSON string", '"a string"'],
    ["a JSON number", "42"],
    ["JSON true", "true"],
    ["JSON null", "null"],
    ["an empty object", "{}"],
    ["a __proto__ key", `{"__proto__":{"admin":true},${toText(baseline).slice(1)}`],
    ["JSON nested 5000 deep", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ["over 64 KiB", toText({ ...baseline, padding: "p".repeat(70_000) })],
  ];
  const fields = mutationsOf(doc, baseline, schema, baseline, []).map(({ name, value }): [string, string] => [
    name,
    toText(value),
  ]);
  const seen = new Set<string>();
  return [...whole, ...fields]
    .filter(([, text]) => !seen.has(text) && seen.add(text))
    .map(([name, text]) => ({ name, text, valid: check(text) }));
}

/** A value valid for `schema` (the simplest one), for schemas without a hand-written baseline. */
export function sampleOf(doc: OpenApiDoc, raw: Schema): unknown {
  const schema = deref(doc, raw);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches?.[0]) return sampleOf(doc, branches[0]);
  const type = [schema.type].flat().find((t) => t !== "null");
  const num = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
  switch (type) {
    case "string": {
      const id = wellFormedUnknown({ name: "", in: "path", schema });
      if (typeof schema.pattern === "string" && id && new RegExp(schema.pattern).test(id)) return id;
      return "x".repeat(Math.max(num("minLength") ?? 1, 1));
    }
    case "number":
    case "integer":
      return Math.max(num("minimum") ?? 1, 1);
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: num("minItems") ?? 0 }, () =>
        sampleOf(doc, (schema.items ?? {}) as Schema),
      );
    default: {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return Object.fromEntries(required.map((key) => [key, sampleOf(doc, properties[key] ?? {})]));
    }
  }
}

/** A value of a path parameter that has the right form but names nothing (null: no such value). */
export function wellFormedUnknown(parameter: Parameter): string | null {
  const pattern = typeof parameter.schema.pattern === "string" ? parameter.schema.pattern : "";
  const ulid = /^\^([a-z]{3})_\[0-9A-HJKMNP-TV-Z\]\{26\}\$$/.exec(pattern);
  if (ulid) return `${ulid[1]}_${"0".repeat(26)}`;
  if (parameter.schema.type === "integer") return null;
  const byName: Record<string, string> = {
    handle: "nobody_zz9",
    userId: `usr_${"0".repeat(26)}`,
    sessionId: "unknown_sfu_session",
    token: "ExponentPushToken[unknown]",
    id: "unknown",
  };
  return byName[parameter.name] ?? "unknown";
}

/** Path parameter values that are wrong in form: each percent-encoded, as a client would send it. */
export const GARBAGE_PATH_VALUES: [string, string][] = [
  ["a malformed id", "not-an-id"],
  ["300 characters", "x".repeat(300)],
  ["%00", "%00"],
  ["%FF (not UTF-8)", "%FF"],
  ["..%2F traversal", "..%2F..%2Fhealth"],
  ["an encoded slash", "a%2Fb"],
  ["unicode", encodeURIComponent("é💥\u202e")],
  ["a quote and SQL", encodeURIComponent("' OR 1=1 --")],
  ["a lone %", "%"],
  ["spaces", "%20%20"],
];
