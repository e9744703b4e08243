import { z } from "@hono/zod-openapi";
import { EnvironmentKey, FlagKey } from "../kernel/http/common-schemas.js";
import { PrometheusSourceSchema } from "../metrics/index.js";
import { GUARD_ACTIONS, GUARD_KINDS, GUARD_METRICS, PRESET_NAMES } from "./stats/guard-rule.js";

export const MAX_GUARD_RULES = 10;

export const GuardStateSchema = z
  .enum(["healthy", "warning", "no_data", "paused", "held", "rolled_back"])
  .openapi("GuardState");

/** A rule as stored and shown, every default applied (validated by server/guard/guard-rule.ts). */
export const GuardRuleOut = z
  .object({
    metric: z.enum(GUARD_METRICS),
    customMetric: z.string().optional(),
    kind: z.enum(GUARD_KINDS),
    alpha: z.number(),
    tolerance: z.number(),
    minSamples: z.number().int(),
    threshold: z.number().optional(),
    latencyThresholdMs: z.number().optional(),
    quantile: z.number(),
    action: z.enum(GUARD_ACTIONS),
    source: PrometheusSourceSchema.optional().openapi({
      description: "Where the rule's counts come from; without it, the SDKs' outcome reports",
    }),
  })
  .openapi("GuardRule");

/** A Prometheus-sourced rule's last poll: `ok`, or why the rule holds (docs/guard.md). */
export const RuleSourceStatus = z
  .object({
    kind: z.literal("prometheus"),
    state: z.enum(["ok", "no_data", "query_failed", "arm_label_missing"]),
    detail: z.string(),
    at: z.string(),
  })
  .openapi("GuardRuleSourceStatus");

export const PutGuardBody = z
  .object({
    rules: z
      .array(
        z.union([
          z.string().openapi({ description: "a preset's name" }),
          z.record(z.string(), z.unknown()).openapi({
            description:
              "a rule (metric, customMetric, kind, alpha, tolerance, minSamples, threshold, " +
              "latencyThresholdMs, quantile, action, and `source` to take its counts from " +
              "Prometheus: see the PrometheusSource schema), or `{ preset, …overrides }`",
          }),
        ]),
      )
      .min(1, { message: "give at least one rule (DELETE removes the guard)" })
      .max(MAX_GUARD_RULES, { message: `at most ${MAX_GUARD_RULES} rules` }),
  })
  .strict()
  .openapi("PutGuard", {
    example: {
      rules: [
        { preset: "errors-vs-control" },
        { metric: "latency", kind: "absolute", latencyThresholdMs: 500, action: "notify" },
        {
          preset: "errors-vs-control",
          source: {
            kind: "prometheus",
            url: "http://prometheus:9090",
            queries: {
              exposures: 'sum by (arm)(http_requests_total{flag="new-checkout"})',
              failures: 'sum by (arm)(http_requests_total{flag="new-checkout", code=~"5.."})',
            },
          },
        },
      ],
    },
  });

const ArmTotals = z.object({ exposures: z.number(), failures: z.number() });
const ArmTotalsPair = z.object({ treatment: ArmTotals, control: ArmTotals });
const MetricCount = z.object({ n: z.number(), e: z.number() });

export const RuleEvidence = z
  .object({
    state: GuardStateSchema.nullable(),
    reason: z.string().nullable(),
    rule: GuardRuleOut,
    counts: ArmTotalsPair.nullable(),
    metric: z.object({ treatment: MetricCount, control: MetricCount }).nullable(),
    ratio: z
      .object({ estimate: z.number(), lower: z.number(), upper: z.number(), level: z.number() })
      .nullable()
      .openapi({ description: "θ = rate(treatment) / rate(control), with its 95% interval" }),
    eValue: z.union([z.number(), z.string()]).nullable(),
    rollbackAt: z.number().nullable(),
    warnAt: z.number().nullable(),
    bound: z
      .object({
        lower: z.number(),
        alpha: z.number(),
        limit: z.number(),
        looks: z.number(),
        pValue: z.number(),
      })
      .nullable(),
    slowThresholdMs: z.number().nullable(),
    srmChiSquare: z.number().nullable(),
    headline: z.string().nullable().openapi({ description: "one sentence: what was seen, what to do" }),
    interval: z
      .object({
        treatment: ArmTotals,
        control: ArmTotals,
        metric: z.object({ treatment: MetricCount, control: MetricCount }).optional(),
        imputed: z.number(),
      })
      .nullable()
      .openapi({ description: "the counts of the latest tick's interval" }),
    breakerTest: z
      .object({
        look: z.number(),
        alpha: z.number(),
        intervals: z.number(),
        treatment: ArmTotals,
        control: ArmTotals,
        controlUpper: z.number(),
        treatmentRate: z.number(),
        pValue: z.number(),
        exact: z.boolean(),
        tripAt: z.number(),
      })
      .nullable()
      .openapi({ description: "the circuit breaker's exact test on its latest look" }),
    imputedFailures: z.number().openapi({ description: "lost treatment outcomes counted as failures" }),
    source: RuleSourceStatus.nullable().openapi({
      description: "Prometheus-sourced rules: what the source said at the last tick; null for SDK counts",
    }),
    fired: z
      .object({ at: z.string().nullable(), by: z.string(), rule: GuardRuleOut, reason: z.string() })
      .nullable(),
  })
  .openapi("GuardRuleEvidence");

export const GuardViewSchema = z
  .object({
    flagKey: FlagKey,
    environment: EnvironmentKey,
    state: GuardStateSchema,
    since: z.string().nullable(),
    reason: z.string(),
    lastTickAt: z.string().nullable(),
    rules: z.array(GuardRuleOut),
    version: z.number().int(),
    flag: z
      .object({ enabled: z.boolean(), percentage: z.number(), previousPercentage: z.number().nullable() })
      .nullable(),
    run: z
      .object({
        id: z.number().int(),
        startedAt: z.string(),
        endedAt: z.string().nullable(),
        endReason: z.string().nullable(),
        openedBy: z.string().nullable(),
      })
      .nullable(),
    counts: ArmTotalsPair.nullable().openapi({ description: "everything counted in this run, per arm" }),
    evidence: z.array(RuleEvidence),
    rolledBack: z
      .object({
        at: z.string(),
        previousPercentage: z.number(),
        stateVersion: z.number(),
        rule: GuardRuleOut,
        reason: z.string(),
      })
      .nullable(),
  })
  .openapi("Guard");

export const PresetsSchema = z
  .object({ presets: z.record(z.enum(PRESET_NAMES), GuardRuleOut) })
  .openapi("GuardPresets");
