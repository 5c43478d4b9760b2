import { defineConfig } from "vitest/config";

// End-to-end tests in Node: the platform on workerd and real headless Chromium pages against it.
export default defineConfig({
  test: {
    name: "e2e",
    include: ["**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One browser and one workerd at a time: the machine is small.
    fileParallelism: false,
  },
});
