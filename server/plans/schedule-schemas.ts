import { z } from "@hono/zod-openapi";
import { EnvironmentKey, FlagKey, Percentage } from "../kernel/http/common-schemas.js";
import { Duration } from "./duration.js";

export const ScheduleId = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, { message: "must be a schedule id like sched_0a1b2c3d4e5f" })
  .openapi({ example: "sched_0a1b2c3d4e5f" });

export const CreateScheduleBody = z
  .object({
    at: z.iso
      .datetime({ offset: true, message: "must be an ISO 8601 date-time like 2030-01-31T09:00:00Z" })
      .optional()
      .openapi({ description: "When to apply the change", example: "2030-01-31T09:00:00Z" }),
    in: Duration.optional().openapi({ description: 'Or: how long from now, like "2h"' }),
    percentage: Percentage.optional(),
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    reason: z.string().max(500).optional(),
  })
  .strict()
  .refine((b) => (b.at === undefined) !== (b.in === undefined), {
    message: "give the time as exactly one of `at` (a date-time) or `in` (a duration)",
  })
  .refine((b) => b.percentage !== undefined || b.enabled !== undefined, {
    message: "a scheduled change sets `percentage`, `enabled` or both",
  })
  .openapi("CreateSchedule");

export const SCHEDULE_STATES = ["pending", "applied", "cancelled", "failed"] as const;

export const Schedule = z
  .object({
    id: ScheduleId,
    flagKey: FlagKey,
    environment: EnvironmentKey,
    runAt: z.string(),
    change: z.object({ percentage: z.number().optional(), enabled: z.boolean().optional() }),
    reason: z.string().nullable(),
    state: z.enum(SCHEDULE_STATES),
    appliedAt: z.string().nullable(),
    error: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi("Schedule");

export type CreateScheduleInput = z.infer<typeof CreateScheduleBody>;
export type ScheduleOut = z.infer<typeof Schedule>;
