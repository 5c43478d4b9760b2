import type { JSONWebKeySet } from "jose";
import { z } from "zod";
import { relayEvents } from "../../../lib/events/outbox";
import { parseRpcArgument, ServiceEntrypoint } from "../../../lib/service";
import { emailOf } from "./accounts";
import { createAuthApp } from "./app";
import { authDb } from "./db/client";
import { eventQueues } from "./deps";
import { signingKeys } from "./signing-keys";

const app = createAuthApp();

/**
 * The public HTTP entry (requests that do not come through the gateway check their own tokens), and
 * the cron trigger that relays the events requests left in the outbox.
 */
export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await relayEvents(env.DB, eventQueues(env));
  },
} satisfies ExportedHandler<AuthEnv>;

/** RPC for the gateway and the other services. */
export class AuthService extends ServiceEntrypoint<AuthEnv> {
  protected readonly app = app;
  protected readonly serviceName = "auth";

  /** Healthy when the signing keys load and the database answers. */
  override async ping(): Promise<"ok"> {
    await signingKeys(this.env.SIGNING_KEYS);
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }

  /** The public keys that verify access tokens (what /.well-known/jwks.json serves). */
  async jwks(): Promise<JSONWebKeySet> {
    return (await signingKeys(this.env.SIGNING_KEYS)).jwks();
  }

  /** The email address of an account, for notices to its owner (notifications); null when none. */
  async emailOf(userId: string): Promise<string | null> {
    return emailOf({ db: authDb(this.env.DB) }, parseRpcArgument(z.string().min(1).max(64), userId));
  }
}
