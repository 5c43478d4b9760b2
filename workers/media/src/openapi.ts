import { MEDIA_TYPES } from "./file-types";

const BINARY = { type: "string", format: "binary" } as const;

/** The accepted media types, each with raw bytes as its schema (never validated as JSON). */
const fileContent = () => Object.fromEntries(MEDIA_TYPES.map((type) => [type, { schema: BINARY }]));

/** A request body that is a file's raw bytes, in any of the accepted types. */
export function fileBody(description: string) {
  return { required: true, description, content: fileContent() };
}

/** A response that is a file's bytes, in its own type. */
export function fileResponse(description: string) {
  return { description, content: fileContent() };
}
