import { z } from "@hono/zod-openapi";
import { BUCKETINGS } from "../../sdk/core/types.js";
import { EnvironmentKey, FlagKey, JsonValue, Percentage } from "../kernel/http/common-schemas.js";
import { FLAG_KINDS } from "./flag-kinds.js";
import { Condition, Prerequisite, Prerequisites, RuleSegments } from "./targeting-schemas.js";

export const FlagType = z.enum(["boolean", "string", "number", "json"]);

export const FlagKind = z.enum(FLAG_KINDS).openapi({
  description:
    "What the flag is for; it sets the expected lifetime (release and experiment 40 days, operational 7, kill-switch and permission permanent)",
});

const LifetimeDays = z
  .number()
  .int({ message: "must be a whole number of days" })
  .min(1)
  .max(3650)
  .openapi({ description: "Expected lifetime in days, instead of the kind's" });

export const Variant = z.object({ key: z.string().min(1).max(64), value: JsonValue }).openapi("Variant");

export const Rule = z
  .object({
    id: z.string().min(1).max(64).optional(),
    description: z.string().max(512).optional(),
    conditions: z.array(Condition).max(50).default([]),
    segments: RuleSegments.optional(),
    variant: z.string().optional(),
    percentage: Percentage.optional(),
  })
  .strict()
  .refine((r) => (r.variant === undefined) !== (r.percentage === undefined), {
    message: "a rule serves either a `variant` or a `percentage`, exactly one of them",
  })
  .refine((r) => r.conditions.length > 0 || (r.segments?.length ?? 0) > 0, {
    message: "a rule needs at least one condition or segment (the default rollout serves everyone else)",
  })
  .openapi("Rule");

export const VariantWeight = z
  .object({ variant: z.string().min(1), weight: Percentage })
  .strict()
  .openapi("VariantWeight");

export const CreateFlagBody = z
  .object({
    key: FlagKey,
    type: FlagType,
    description: z.string().max(2000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).optional(),
    variants: z.array(Variant).min(2).max(100).optional(),
    offVariant: z.string().optional(),
    clientVisible: z.boolean().optional(),
    kind: FlagKind.optional(),
    lifetimeDays: LifetimeDays.optional(),
  })
  .strict()
  .openapi("CreateFlag");

export const UpdateFlagBody = z
  .object({
    description: z.string().max(2000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).optional(),
    clientVisible: z.boolean().optional(),
    variants: z.array(Variant).min(2).max(100).optional().openapi({
      description:
        "The whole new list (not boolean flags). A variant's value may change: its users get the new value. A new variant serves nobody until weights or rules name it. A variant that weights or rules of any environment name cannot be removed (409): change those first, so no user is left on a removed variant.",
    }),
    offVariant: z.string().optional(),
    kind: FlagKind.optional(),
    lifetimeDays: LifetimeDays.nullable()
      .optional()
      .openapi({ description: "Expected lifetime in days; null: the kind's again" }),
  })
  .strict()
  .openapi("UpdateFlag");

export const FlagStatePatch = z
  .object({
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    percentage: Percentage.optional(),
    stickiness: z.string().min(1).max(128).optional(),
    salt: z.string().min(1).max(256).optional(),
    bucketing: z.enum(BUCKETINGS).optional().openapi({
      description:
        "`rollguard-v1` (default) or `unleash`: variants bucketed as Unleash does, for flags imported from it",
    }),
    rules: z.array(Rule).max(200).optional(),
    prerequisites: Prerequisites.optional().openapi({
      description:
        "The whole new list. Each names a flag and the variants it must give for the same context; unmet, this flag is off for that context (DISABLED). Cycles and chains deeper than 8 are refused (409).",
    }),
    weights: z.array(VariantWeight).min(1).max(100).optional(),
    reason: z.string().max(500).optional(),
  })
  .strict()
  .openapi("FlagStatePatch");

export const FlagState = z
  .object({
    environment: EnvironmentKey,
    enabled: z.boolean(),
    percentage: z.number(),
    stickiness: z.string(),
    salt: z.string(),
    bucketing: z.enum(BUCKETINGS),
    rules: z.array(z.any()),
    prerequisites: z.array(Prerequisite),
    weights: z.array(VariantWeight),
    version: z.number().int(),
    previousPercentage: z.number().nullable(),
    updatedAt: z.string(),
  })
  .openapi("FlagState");

export const StaleMark = z
  .object({
    reasons: z.array(
      z.object({
        code: z.enum(["settled", "unused"]),
        message: z.string(),
      }),
    ),
  })
  .openapi("StaleMark", {
    description:
      "Why the flag looks finished: `settled` (it has served everyone alike, off or at 0% or 100% with no rules, in every environment for longer than its lifetime) or `unused` (not evaluated anywhere for the server's limit of days)",
  });

export const Flag = z
  .object({
    key: FlagKey,
    type: FlagType,
    description: z.string(),
    tags: z.array(z.string()),
    variants: z.array(Variant),
    offVariant: z.string(),
    clientVisible: z.boolean(),
    archived: z.boolean(),
    kind: FlagKind,
    lifetimeDays: z.number().int().nullable().openapi({
      description: "The expected lifetime that applies (the flag's own or its kind's); null: permanent",
    }),
    lifetimeFrom: z.enum(["kind", "flag"]),
    stale: StaleMark.nullable()
      .optional()
      .openapi({ description: "In the flag routes' answers (not in audit events)" }),
    lastEvaluatedAt: z.record(z.string(), z.string()).optional().openapi({
      description:
        "Per environment, when the server last saw the flag evaluated there (its own evaluations and SDK metrics reports, recorded every few seconds); environments where it never was are absent",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    environments: z.record(z.string(), FlagState),
  })
  .openapi("Flag");

export { Condition };
export type CreateFlagInput = z.infer<typeof CreateFlagBody>;
export type UpdateFlagInput = z.infer<typeof UpdateFlagBody>;
export type FlagStatePatchInput = z.infer<typeof FlagStatePatch>;
export type FlagStateOut = z.infer<typeof FlagState>;
export type FlagOut = z.infer<typeof Flag>;
