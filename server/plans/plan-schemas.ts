import { z } from "@hono/zod-openapi";
import { EnvironmentKey, FlagKey, Percentage } from "../kernel/http/common-schemas.js";
import { Duration } from "./duration.js";

export const PLAN_STATES = [
  "pending",
  "running",
  "paused",
  "inconclusive",
  "completed",
  "aborted",
  "rolled_back",
] as const;
export const PlanStateName = z.enum(PLAN_STATES).openapi("PlanState");
export const OnMaxHold = z.enum(["pause", "advance", "rollback"]).openapi({
  description:
    "What happens when a stage's maximum hold passes before it could advance: `pause` (the plan becomes " +
    "`inconclusive`), `advance` (unless a guard rule warns, pauses or lacks data) or `rollback` (0%)",
});
export const PlanId = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, { message: "must be a plan id like plan_0a1b2c3d4e5f" })
  .openapi({ example: "plan_0a1b2c3d4e5f" });

export const StageInput = z
  .object({
    percentage: Percentage.refine((p) => p > 0, { message: "must be more than 0" }),
    minHold: Duration.optional().openapi({ description: "Shortest time at this stage (default 10 minutes)" }),
    maxHold: Duration.nullable()
      .optional()
      .openapi({ description: "Longest time at this stage before `onMaxHold` applies (default: none)" }),
    minExposures: z
      .number({ error: "must be a whole number ≥ 0" })
      .int({ message: "must be a whole number ≥ 0" })
      .min(0, { message: "must be a whole number ≥ 0" })
      .optional()
      .openapi({ description: "Treatment exposures this stage must see before it advances (default 0)" }),
  })
  .strict()
  .refine(
    (s) => s.maxHold === undefined || s.maxHold === null || s.minHold === undefined || s.maxHold >= s.minHold,
    {
      message: "maxHold must not be shorter than minHold",
    },
  )
  .openapi("StageInput");

export const PLAN_PRESETS = ["default", "canary"] as const;

export const CreatePlanBody = z
  .object({
    preset: z
      .enum(PLAN_PRESETS)
      .optional()
      .openapi({ description: "`default`: 1 → 5 → 20 → 50 → 100%; `canary`: 10 → 50 → 100%" }),
    stages: z
      .array(StageInput)
      .min(1, { message: "needs at least one stage" })
      .max(20, { message: "may have at most 20 stages" })
      .optional(),
    onMaxHold: OnMaxHold.optional(),
    start: z
      .boolean({ error: "must be true or false" })
      .optional()
      .openapi({ description: "Start at once (default true)" }),
    reason: z.string().max(500).optional(),
    allowLower: z.boolean({ error: "must be true or false" }).optional().openapi({
      description:
        "A plan whose first stage is below the flag's live percentage (it is on and above it) would take users out of the rollout: it is refused unless this is true",
    }),
  })
  .strict()
  .refine((b) => b.preset === undefined || b.stages === undefined, {
    message: "give either `preset` or `stages`, not both",
  })
  .refine((b) => (b.stages ?? []).every((s, i, all) => i === 0 || s.percentage > all[i - 1]!.percentage), {
    message: "stage percentages must increase from one stage to the next",
    path: ["stages"],
  })
  .openapi("CreatePlan");

export const PlanActionBody = z
  .object({ reason: z.string().max(500).optional() })
  .strict()
  .openapi("PlanAction");

export const Stage = z
  .object({
    percentage: z.number(),
    minHoldMs: z.number().int(),
    maxHoldMs: z.number().int().nullable(),
    minExposures: z.number().int(),
  })
  .openapi("Stage");

export const StageProgress = z
  .object({
    elapsedMs: z.number().int(),
    exposures: z.number().int(),
    guard: z.enum(["none", "healthy", "warning", "no_data", "paused", "held", "rolled_back"]),
    waitingFor: z.array(z.enum(["min_hold", "exposures", "guard"])),
    maxHoldAt: z.string().nullable(),
  })
  .openapi("StageProgress");

export const PlanEvent = z
  .object({
    id: z.number().int(),
    at: z.string(),
    from: z.string(),
    to: z.string(),
    stage: z.number().int(),
    percentage: z.number().nullable(),
    actor: z.string(),
    detail: z.unknown(),
  })
  .openapi("PlanEvent");

export const Plan = z
  .object({
    id: PlanId,
    flagKey: FlagKey,
    environment: EnvironmentKey,
    state: PlanStateName,
    active: z.boolean(),
    onMaxHold: OnMaxHold,
    stages: z.array(Stage),
    currentStage: z.number().int(),
    currentPercentage: z.number().nullable(),
    stageStartedAt: z.string().nullable(),
    progress: StageProgress.nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    history: z.array(PlanEvent).optional(),
  })
  .openapi("Plan");

export type CreatePlanInput = z.infer<typeof CreatePlanBody>;
export type StageOut = z.infer<typeof Stage>;
export type PlanOut = z.infer<typeof Plan>;
export type StageProgressOut = z.infer<typeof StageProgress>;
