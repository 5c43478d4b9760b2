// Local secrets for `npm start`: each Worker's .dev.vars (git-ignored), made once and then kept,
// so sessions survive restarts. Production sets the same names with `wrangler secret put`.
import { createECDH, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newSigningKey } from "./signing-key.mjs";
import { ROOT } from "./workers.mjs";

/** A Web Push (VAPID) key pair, made once per run: both halves must come from the same pair. */
let vapid;
function vapidKeys() {
  if (!vapid) {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    vapid = {
      publicKey: ecdh.getPublicKey().toString("base64url"),
      privateKey: ecdh.getPrivateKey().toString("base64url"),
    };
  }
  return vapid;
}

/**
 * The secrets each Worker needs locally, and how to make each one. Provider keys that only a real
 * account has (Resend, Twilio, Expo, TURN, the Realtime SFU) are left out: without them those
 * channels and features are off, each with a log line (docs/operations.md lists them).
 */
const SECRETS = {
  auth: {
    SIGNING_KEYS: async () => JSON.stringify([await newSigningKey()]),
    PASSWORD_PEPPER: async () => randomBytes(32).toString("base64url"),
  },
  notifications: {
    VAPID_PUBLIC_KEY: async () => vapidKeys().publicKey,
    VAPID_PRIVATE_KEY: async () => vapidKeys().privateKey,
    VAPID_SUBJECT: async () => "mailto:dev@plaza.local",
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
