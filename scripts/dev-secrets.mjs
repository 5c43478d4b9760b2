// Local secrets for `npm start`: each Worker's .dev.vars (git-ignored), made once and then kept,
// so sessions survive restarts. Production sets the same names with `wrangler secret put`.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newSigningKey } from "./signing-key.mjs";
import { ROOT } from "./workers.mjs";

/** The secrets each Worker needs locally, and how to make each one. */
const SECRETS = {
  auth: {
    SIGNING_KEYS: async () => JSON.stringify([await newSigningKey()]),
    PASSWORD_PEPPER: async () => randomBytes(32).toString("base64url"),
  },
};

function parseDevVars(text) {
  const vars = new Map();
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) vars.set(match[1], match[2]);
  }
  return vars;
}

/** Adds any missing secret to workers/<name>/.dev.vars; never replaces one that is there. */
export async function ensureDevSecrets() {
  for (const [worker, makers] of Object.entries(SECRETS)) {
    const file = join(ROOT, "workers", worker, ".dev.vars");
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    const vars = parseDevVars(text);
    const missing = Object.entries(makers).filter(([name]) => !vars.has(name));
    if (missing.length === 0) continue;
    const lines = [];
    // Single quotes: dotenv takes the value literally (the JSON inside has none).
    for (const [name, make] of missing) lines.push(`${name}='${await make()}'`);
    writeFileSync(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${lines.join("\n")}\n`);
    console.log(`made local secrets ${missing.map(([name]) => name).join(", ")} in ${file}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureDevSecrets();
