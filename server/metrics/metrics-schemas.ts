import { z } from "@hono/zod-openapi";
import {
  CUSTOM_METRIC_NAME,
  METRICS_LATENCY_BUCKETS,
  METRICS_MAX_CUSTOM,
  METRICS_MAX_ENTRIES,
  type MetricsAccepted,
  type MetricsReport,
} from "../../sdk/core/metrics-report.js";
import { FlagKey } from "../kernel/http/common-schemas.js";

const Count = z
  .number({ error: "must be a number" })
  .int({ message: "must be a whole number" })
  .min(0, { message: "must be at least 0" })
  .max(Number.MAX_SAFE_INTEGER, { message: "must be a safe integer" });

const CustomCounts = z
  .object({
    count: Count,
    sum: z.number({ error: "must be a finite number" }).refine(Number.isFinite, "must be a finite number"),
  })
  .strict();

export const MetricsCountSchema = z
  .object({
    flagKey: FlagKey,
    arm: z.enum(["treatment", "control"]),
    exposures: Count.openapi({ description: "units of work whose outcome was observed" }),
    failures: Count,
    latency: z
      .array(Count)
      .length(METRICS_LATENCY_BUCKETS, {
        message: `must have exactly ${METRICS_LATENCY_BUCKETS} counts, one per latency bucket`,
      })
      .optional()
      .openapi({ description: "counts per bucket of LATENCY_BUCKETS_MS (1, 2, 5 … 10000, ∞ ms)" }),
    custom: z
      .record(z.string().regex(CUSTOM_METRIC_NAME, "1–64 letters, digits, or _ . : -"), CustomCounts)
      .refine((r) => Object.keys(r).length <= METRICS_MAX_CUSTOM, {
        message: `at most ${METRICS_MAX_CUSTOM} custom metrics per entry`,
      })
      .optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.failures > entry.exposures)
      ctx.addIssue({ code: "custom", path: ["failures"], message: "must not exceed exposures" });
    if (entry.latency && entry.latency.reduce((a, b) => a + b, 0) > entry.exposures)
      ctx.addIssue({
        code: "custom",
        path: ["latency"],
        message: "the counts must not add up to more than exposures",
      });
  })
  .openapi("MetricsCount");

export const MetricsReportSchema = z
  .object({
    sdk: z.string().max(128).optional(),
    intervalStart: Count.optional().openapi({ description: "epoch ms, informational" }),
    intervalEnd: Count.optional().openapi({ description: "epoch ms, informational" }),
    counts: z
      .array(MetricsCountSchema)
      .max(METRICS_MAX_ENTRIES, { message: `at most ${METRICS_MAX_ENTRIES} entries per report` }),
    evaluated: z
      .array(z.string().max(128))
      .max(METRICS_MAX_ENTRIES, { message: `at most ${METRICS_MAX_ENTRIES} keys` })
      .optional()
      .openapi({
        description:
          "Keys of flags evaluated during the interval, outcomes or not: recorded as their last evaluation (unknown keys are ignored)",
      }),
  })
  .strict()
  .openapi("MetricsReport", {
    example: {
      sdk: "my-exporter/1.0",
      counts: [
        { flagKey: "new-checkout", arm: "treatment", exposures: 120, failures: 1 },
        { flagKey: "new-checkout", arm: "control", exposures: 1080, failures: 6 },
      ],
    },
  });

export const MetricsAcceptedSchema = z
  .object({ accepted: z.number().int().openapi({ description: "entries stored" }) })
  .openapi("MetricsAccepted");

// The wire format is defined once, in sdk/core; these fail to compile when the schemas drift.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const reportMatches: Same<z.infer<typeof MetricsReportSchema>, MetricsReport> = true;
const acceptedMatches: Same<z.infer<typeof MetricsAcceptedSchema>, MetricsAccepted> = true;
void reportMatches;
void acceptedMatches;
