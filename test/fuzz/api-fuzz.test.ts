import { expect, it } from "vitest";
import { postgresReachable } from "../helpers/postgres.js";
import { fuzzApi } from "./fuzz-api.js";

// A fixed seed, so a failure here fails the same way on every machine; `npm run bench:fuzz` runs
// many more cases (and other seeds).
it("every operation of /openapi.json answers 2xx or a 4xx problem (never 5xx); a 4xx changes nothing", async () => {
  const stats = await fuzzApi({ runs: 3000, seed: 20261203 });
  expect(stats.cases).toBe(3000);
  // The fuzz is only worth something if it got past validation on most operations.
  expect(stats.reached).toBeGreaterThan(stats.operations * 0.85);
  expect(stats.byClass["4xx"]).toBeGreaterThan(500);
}, 120_000);

// On PostgreSQL every answer is checked against a digest of the database (it has no count of one
// database's writes): fewer cases, of another seed, for what only the store decides, that a
// refused request changed nothing (a transaction rolled back, nothing written before a check).
it.skipIf(!(await postgresReachable()))(
  "on PostgreSQL too: 2xx or a 4xx problem, and a 4xx changes nothing",
  async () => {
    const stats = await fuzzApi({ runs: 600, seed: 20261204, dialect: "postgres" });
    expect(stats.cases).toBe(600);
    expect(stats.byClass["4xx"]).toBeGreaterThan(100);
  },
  120_000,
);
