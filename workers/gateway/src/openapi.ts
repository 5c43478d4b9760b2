import type { OpenApiDocument } from "../../../lib/service";

type Section = Record<string, unknown>;

function sectionOf(doc: OpenApiDocument, key: string): Section {
  const value = doc[key];
  return value !== null && typeof value === "object" ? (value as Section) : {};
}

/**
 * One OpenAPI 3.1 document from the gateway's own and every service's: paths and components are
 * merged (every service registers the same shared schemas, such as Error, under the same name).
 */
export function mergeOpenApi(gateway: OpenApiDocument, services: OpenApiDocument[]): OpenApiDocument {
  const all = [gateway, ...services];
  const paths: Section = {};
  const components: Record<string, Section> = {};
  const tags = new Map<string, unknown>();
  for (const doc of all) {
    Object.assign(paths, sectionOf(doc, "paths"));
    for (const [kind, entries] of Object.entries(sectionOf(doc, "components"))) {
      components[kind] = { ...components[kind], ...(entries as Section) };
    }
    const docTags = doc.tags;
    if (Array.isArray(docTags)) {
      for (const tag of docTags)
        if (tag && typeof tag === "object" && "name" in tag) tags.set(String(tag.name), tag);
    }
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: "3.1.0",
    info: {
      title: "Plaza API",
      version: "1",
      description:
        "Every public route of every Plaza service, through the gateway. Errors share one body: " +
        '`{"error":{"code","message","requestId","details?"}}`.',
    },
    servers: [{ url: "/" }],
    tags: [...tags.values()],
    paths: sortedPaths,
    components,
  };
}
