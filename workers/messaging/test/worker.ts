import { workerExports } from "../../../lib/testing/exports";
import type { MessagingService } from "../src/index";

/** The messaging Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; MessagingService: Service<MessagingService> }>();
