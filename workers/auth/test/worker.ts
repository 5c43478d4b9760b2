import { workerExports } from "../../../lib/testing/exports";
import type { AuthService } from "../src/index";

/** The auth Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; AuthService: Service<AuthService> }>();
