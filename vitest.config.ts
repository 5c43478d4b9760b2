import { defineConfig } from "vitest/config";

// One test project per Worker, each running inside workerd with the Workers it calls beside it.
export default defineConfig({
  test: { projects: ["workers/*/vitest.config.ts", "e2e/vitest.config.ts"] },
});
