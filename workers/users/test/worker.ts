import { env } from "cloudflare:workers";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import type { UsersService } from "../src/index";

/** The users Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; UsersService: Service<UsersService> }>();

/** A real account, registered through the real auth service (an auxiliary Worker here). */
export function newAccount(overrides: Parameters<typeof registerAccount>[1] = {}): Promise<TestAccount> {
  const auth: Fetches = env.AUTH_HTTP;
  return registerAccount(auth, overrides);
}
