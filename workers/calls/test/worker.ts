import { workerExports } from "../../../lib/testing/exports";
import type { CallsService } from "../src/index";

/** The calls Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; CallsService: Service<CallsService> }>();
