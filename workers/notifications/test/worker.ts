import { workerExports } from "../../../lib/testing/exports";
import type { NotificationsService } from "../src/index";

/** The notifications Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{
  default: Fetcher;
  NotificationsService: Service<NotificationsService>;
}>();
