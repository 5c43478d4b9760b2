import { workerExports } from "../../../lib/testing/exports";

/** The gateway under test. */
export const worker = workerExports<{ default: Fetcher }>();
export const call = (request: Request) => worker.default.fetch(request);
