import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "sdk/**/*.test.ts", "server/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers on free ports; two workers match the two cores here.
    pool: "forks",
    maxWorkers: 2,
  },
});
