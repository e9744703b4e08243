import { z } from "zod";

/**
 * A guard rule as set by REST, per flag and environment. One rule guards one metric:
 *
 * - `error_rate`: failures / exposures, as the SDK reports them.
 * - `latency`: a request is "slow" when it is slower than a threshold; the guard works on the slow
 *   share. Relative: slower than `latencyThresholdMs` when set (an SLO), else slower than the
 *   control's `quantile` (p95 by default). Absolute: proves the treatment's `quantile` is above
 *   `latencyThresholdMs` (the slow share is above 1 − quantile).
 * - `custom`: a count of bad events (`sum`) among `count` opportunities, as the SDK reports custom
 *   metrics, e.g. failed payments per checkout. Higher is worse. Custom metrics of arbitrary values
 *   (revenue, durations) are not guarded: without a sum of squares there is no valid interval for a
 *   mean.
 *
 * `kind` is `relative` (compared with control, the default: rolls back when the rate ratio is
 * proven above `tolerance`) or `absolute` (rolls back when the treatment's rate is proven above
 * `threshold`, or its quantile above `latencyThresholdMs`).
 */
export const GUARD_METRICS = ["error_rate", "latency", "custom"] as const;
export type GuardMetric = (typeof GUARD_METRICS)[number];

export const GUARD_KINDS = ["relative", "absolute"] as const;
export type GuardKind = (typeof GUARD_KINDS)[number];

/**
 * What a rule does when it proves harm: `rollback` sets the flag to 0%; `hold` freezes it where it
 * is (the guard's state becomes `held`, a rollout plan on the flag pauses) until a person changes
 * the flag; `notify` only records an audit event and sends the webhook.
 */
export const GUARD_ACTIONS = ["rollback", "hold", "notify"] as const;
export type GuardAction = (typeof GUARD_ACTIONS)[number];

export const GuardRuleSchema = z
  .strictObject({
    metric: z.enum(GUARD_METRICS).default("error_rate"),
    /** The custom metric's name, as the SDK reports it; required when `metric` is `custom`. */
    customMetric: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "1–64 letters, digits, or _ . : -")
      .optional(),
    kind: z.enum(GUARD_KINDS).default("relative"),
    /** The chance of a false rollback over the whole rollout. */
    alpha: z.number().gt(0).lte(0.2).default(0.01),
    /** Relative rules: the tolerated ratio θ0 of treatment's rate to control's. */
    tolerance: z.number().gte(1).lte(10).default(1),
    /** Treatment samples of the metric before any decision but the circuit breaker. */
    minSamples: z.number().int().gte(0).lte(1_000_000_000).default(200),
    /** Absolute `error_rate` and `custom` rules: the rate not to exceed, e.g. 0.005 for 0.5%. */
    threshold: z.number().gt(0).lt(1).optional(),
    /** Latency: the SLO in ms. Required for absolute latency rules. */
    latencyThresholdMs: z.number().gt(0).lte(3_600_000).optional(),
    /** Latency: which quantile (0.95 is p95). */
    quantile: z.number().gte(0.5).lte(0.999).default(0.95),
    action: z.enum(GUARD_ACTIONS).default("rollback"),
  })
  .superRefine((rule, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (rule.metric === "custom" && rule.customMetric === undefined) {
      issue("customMetric", "required when metric is custom");
    }
    if (rule.metric !== "custom" && rule.customMetric !== undefined) {
      issue("customMetric", "only for metric custom");
    }
    if (rule.metric === "latency") {
      if (rule.threshold !== undefined) issue("threshold", "latency rules use latencyThresholdMs");
      if (rule.kind === "absolute" && rule.latencyThresholdMs === undefined) {
        issue("latencyThresholdMs", "required for absolute latency rules");
      }
    } else {
      if (rule.latencyThresholdMs !== undefined) issue("latencyThresholdMs", "only for latency rules");
      if (rule.kind === "absolute" && rule.threshold === undefined) {
        issue("threshold", "required for absolute rules");
      }
      if (rule.kind === "relative" && rule.threshold !== undefined) {
        issue("threshold", "only for absolute rules");
      }
    }
  });

/** A rule as stored and as `decide` reads it (defaults applied). */
export type GuardRule = z.infer<typeof GuardRuleSchema>;
/** A rule as a client may send it (defaults optional). */
export type GuardRuleInput = z.input<typeof GuardRuleSchema>;

export const PRESET_NAMES = [
  "errors-vs-control",
  "errors-above-0.5pct",
  "p95-above-500ms",
  "slower-than-control-p95",
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const PRESET_INPUTS: Record<PresetName, GuardRuleInput> = {
  /** Roll back when treatment's error rate is proven higher than control's. */
  "errors-vs-control": { metric: "error_rate", kind: "relative", tolerance: 1 },
  /** The runbook rule: roll back when treatment's error rate is proven above 0.5%. */
  "errors-above-0.5pct": { metric: "error_rate", kind: "absolute", threshold: 0.005 },
  /** Roll back when treatment's p95 latency is proven above 500 ms. */
  "p95-above-500ms": { metric: "latency", kind: "absolute", latencyThresholdMs: 500, quantile: 0.95 },
  /**
   * Roll back when treatment's share of requests slower than control's p95 is proven more than
   * 1.2× control's (control's share is 5% by definition, so treatment's p95 has clearly moved).
   * Some slack, because a new code path is rarely exactly as fast and small shifts are not harm.
   */
  "slower-than-control-p95": { metric: "latency", kind: "relative", quantile: 0.95, tolerance: 1.2 },
};

/** The ready-made rules, with every default applied. */
export const GUARD_PRESETS: Readonly<Record<PresetName, GuardRule>> = Object.freeze(
  Object.fromEntries(
    PRESET_NAMES.map((name) => [name, GuardRuleSchema.parse(PRESET_INPUTS[name])]),
  ) as Record<PresetName, GuardRule>,
);

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === "string" && (PRESET_NAMES as readonly string[]).includes(name);
}

/** The preset's rule (a fresh copy), or `undefined` for an unknown name. */
export function presetRule(name: string): GuardRule | undefined {
  return isPresetName(name) ? { ...GUARD_PRESETS[name] } : undefined;
}

export type ResolvedRule = { ok: true; rule: GuardRule } | { ok: false; issues: string[] };

/**
 * What REST accepts, resolved to a rule: a preset name (`"errors-vs-control"`), a preset with
 * overrides (`{ preset: "errors-vs-control", alpha: 0.05 }`), or a whole rule. Never throws.
 */
export function resolveGuardRule(input: unknown): ResolvedRule {
  let candidate: unknown = input;
  if (typeof input === "string") {
    const rule = presetRule(input);
    return rule ? { ok: true, rule } : { ok: false, issues: [`unknown preset "${input}"`] };
  }
  if (typeof input === "object" && input !== null && "preset" in input) {
    const { preset, ...overrides } = input as { preset: unknown } & Record<string, unknown>;
    if (!isPresetName(preset)) return { ok: false, issues: [`unknown preset "${String(preset)}"`] };
    candidate = { ...PRESET_INPUTS[preset], ...overrides };
  }
  const parsed = GuardRuleSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, rule: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) =>
      i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message,
    ),
  };
}
