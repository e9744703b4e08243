import fc from "fast-check";

// Bodies each operation accepts (when the row it names is in the right state), for the fuzz to
// start from and mutate: a schema alone rarely produces a body that passes every refinement.

const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const pct = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }));
const context = fc.record(
  {
    targetingKey: fc.string({ maxLength: 8 }),
    userId: fc.string({ maxLength: 8 }),
    country: fc.constantFrom("DE", "US"),
  },
  { requiredKeys: [] },
);

export const GOOD: Record<string, fc.Arbitrary<unknown>> = {
  "POST /api/flags": fc.record(
    {
      key,
      type: fc.constant("boolean"),
      description: fc.string({ maxLength: 20 }),
      clientVisible: fc.boolean(),
    },
    { requiredKeys: ["key", "type"] },
  ),
  "PATCH /api/flags/{key}": fc.record(
    {
      description: fc.string({ maxLength: 20 }),
      tags: fc.array(key, { maxLength: 3 }),
      clientVisible: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  "PATCH /api/flags/{key}/environments/{env}": fc.record(
    { enabled: fc.boolean(), percentage: pct },
    { requiredKeys: [] },
  ),
  "POST /api/environments": fc.record(
    { key, name: fc.string({ minLength: 1, maxLength: 10 }) },
    { requiredKeys: ["key"] },
  ),
  "POST /api/tokens": fc.oneof(
    fc.record({
      scope: fc.constantFrom("server", "client"),
      environment: fc.constantFrom("production", "staging"),
    }),
    fc.record({ scope: fc.constant("admin"), name: fc.string({ maxLength: 10 }) }),
  ),
  "POST /api/sdk/evaluate": fc.record({ context }),
  "POST /api/client/evaluate": fc.record({ context }),
  "POST /ofrep/v1/evaluate/flags/{key}": fc.record({ context }),
  "POST /ofrep/v1/evaluate/flags": fc.record({ context }),
  "POST /api/sdk/metrics": fc.record({
    counts: fc.array(
      fc.record({
        flagKey: fc.constantFrom("alpha", "beta", "gamma"),
        arm: fc.constantFrom("treatment", "control"),
        exposures: fc.integer({ min: 0, max: 1000 }),
        failures: fc.integer({ min: 0, max: 0 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  "PUT /api/flags/{key}/environments/{env}/guard": fc.record({
    rules: fc.array(fc.constantFrom("errors-vs-control", "errors-above-0.5pct", "p95-above-500ms"), {
      minLength: 1,
      maxLength: 2,
    }),
  }),
  "POST /api/flags/{key}/environments/{env}/plans": fc.oneof(
    fc.record({ preset: fc.constantFrom("default", "canary") }),
    fc.record({ stages: fc.constant([{ percentage: 5 }, { percentage: 100 }]) }),
  ),
  "POST /api/flags/{key}/environments/{env}/schedules": fc.record({
    in: fc.constantFrom("1h", "30m", "2d"),
    percentage: pct,
  }),
  "POST /api/environments/{env}/webhooks": fc.record(
    {
      url: fc.constantFrom("http://127.0.0.1:9/hook", "https://hooks.example.com/x"),
      events: fc.constant(["guard.*"]),
    },
    { requiredKeys: ["url"] },
  ),
  "POST /api/webhooks/{id}/rotate-secret": fc.record(
    { graceSeconds: fc.integer({ min: 0, max: 3600 }) },
    {
      requiredKeys: [],
    },
  ),
};
GOOD["POST /api/client/metrics"] = GOOD["POST /api/sdk/metrics"]!;
for (const action of ["start", "pause", "resume", "advance", "abort"])
  GOOD[`POST /api/plans/{id}/${action}`] = fc.record(
    { reason: fc.string({ maxLength: 10 }) },
    { requiredKeys: [] },
  );

/** The token a well-meaning caller of `path` would send. */
export function rightToken(path: string, t: { admin: string; server: string; client: string }): string {
  if (path.startsWith("/api/sdk/")) return t.server;
  if (path.startsWith("/api/client/")) return t.client;
  if (path.startsWith("/ofrep/")) return t.server;
  return t.admin;
}
