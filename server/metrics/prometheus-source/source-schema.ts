import { z } from "@hono/zod-openapi";

/**
 * Windowed functions: a query of `increase(x[1m])` polled every tick would count each request in
 * every tick whose window covers it (a dozen times at 5 s ticks), which is invented evidence. The
 * guard takes differences of cumulative counters between its own ticks instead.
 */
const WINDOWED = /\b(increase|rate|irate|delta|idelta|deriv|(?:sum|count|avg)_over_time)\s*\(/;

const Query = z
  .string({ error: "must be a PromQL expression (a string)" })
  .trim()
  .min(1, { message: "must be a PromQL expression" })
  .max(4000, { message: "at most 4000 characters" })
  .refine((q) => !WINDOWED.test(q), {
    message:
      'must return cumulative counters, e.g. `sum by (arm)(http_requests_total{flag="new-checkout"})`: ' +
      "the guard takes the difference between its ticks itself; increase()/rate() over a window " +
      "overlap from one tick to the next and would count each request many times",
  });

const LabelName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a Prometheus label name (letters, digits, _; not first a digit)");

const LabelValue = z.string().min(1, { message: "a label value, not empty" }).max(200);

function plainHttpUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL such as http://prometheus:9090";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be http:// or https://";
  if (url.username || url.password)
    return "must carry no credentials: the URL is shown in the guard and its audit trail";
  if (url.search || url.hash) return "must be the server's base URL, without a query or fragment";
  return undefined;
}

export const PrometheusQueriesSchema = z
  .strictObject({
    exposures: Query.openapi({
      description:
        'Cumulative requests per arm, e.g. `sum by (arm)(http_requests_total{flag="new-checkout"})`',
    }),
    failures: Query.optional().openapi({
      description:
        "Cumulative failed requests per arm (error-rate rules). No series reads as 0 failures, so a " +
        "typo here cannot be told from a healthy service: see docs/guard.md for the `or … * 0` form.",
    }),
    latency: Query.optional().openapi({
      description:
        "Cumulative histogram buckets per arm and `le` (latency rules), e.g. " +
        '`sum by (arm, le)(http_request_duration_seconds_bucket{flag="new-checkout"})`',
    }),
  })
  .openapi("PrometheusQueries");

/** Where a guard rule's counts come from when not from SDK reports: PromQL instant queries. */
export const PrometheusSourceSchema = z
  .strictObject({
    kind: z.literal("prometheus", { error: 'must be "prometheus"' }),
    url: z
      .string()
      .max(2000)
      .superRefine((v, ctx) => {
        const problem = plainHttpUrl(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .openapi({ description: "The Prometheus server's base URL; the guard calls `<url>/api/v1/query`" }),
    queries: PrometheusQueriesSchema,
    armLabel: LabelName.default("arm").openapi({ description: "The label that tells the arms apart" }),
    treatment: LabelValue.default("treatment").openapi({
      description: "The arm label's value for treatment",
    }),
    control: LabelValue.default("control").openapi({ description: "The arm label's value for control" }),
    latencyUnit: z
      .enum(["seconds", "milliseconds"])
      .default("seconds")
      .openapi({ description: "The unit of the histogram's `le` bounds" }),
    timeoutMs: z
      .number()
      .int({ message: "a whole number of milliseconds" })
      .min(100, { message: "at least 100 ms" })
      .max(30_000, { message: "at most 30000 ms" })
      .default(2000)
      .openapi({ description: "How long one query may take before the tick counts it as failed" }),
    staleAfterMs: z
      .number()
      .int({ message: "a whole number of milliseconds" })
      .min(1000, { message: "at least 1000 ms" })
      .max(3_600_000, { message: "at most 3600000 ms" })
      .default(120_000)
      .openapi({
        description:
          "With no counter changing for this long the rule holds as no data; between scrapes it " +
          "keeps its verdict. At least twice the scrape interval.",
      }),
  })
  .superRefine((s, ctx) => {
    if (s.treatment === s.control)
      ctx.addIssue({ code: "custom", path: ["control"], message: "must differ from treatment" });
  })
  .openapi("PrometheusSource");

export type PrometheusSource = z.infer<typeof PrometheusSourceSchema>;
export type PrometheusSourceInput = z.input<typeof PrometheusSourceSchema>;

/** The queries of a source by name, for reading and reporting. */
export type QueryName = keyof PrometheusSource["queries"];

/**
 * A source's identity: two rules (or flags) with the same source share one query per tick, and a
 * rule whose source changes starts its evidence afresh.
 */
export function sourceKey(source: PrometheusSource): string {
  return JSON.stringify([
    source.url.replace(/\/+$/, ""),
    source.queries.exposures,
    source.queries.failures ?? null,
    source.queries.latency ?? null,
    source.armLabel,
    source.treatment,
    source.control,
    source.latencyUnit,
  ]);
}
