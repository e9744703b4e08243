import { expect, it } from "vitest";
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
