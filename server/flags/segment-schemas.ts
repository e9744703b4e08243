import { z } from "@hono/zod-openapi";
import { SegmentConditions, SegmentIds, SegmentKey } from "./targeting-schemas.js";

const IdAttribute = z.string().min(1).max(128).openapi({
  description: "Context attribute matched against `ids`; `userId` (falling back to `targetingKey`)",
});

export const CreateSegmentBody = z
  .object({
    key: SegmentKey,
    description: z.string().max(2000).optional(),
    idAttribute: IdAttribute.optional(),
    ids: SegmentIds.optional(),
    conditions: SegmentConditions.optional(),
  })
  .strict()
  .openapi("CreateSegment");

export const UpdateSegmentBody = z
  .object({
    description: z.string().max(2000).optional(),
    idAttribute: IdAttribute.optional(),
    ids: SegmentIds.optional().openapi({ description: "The whole new list" }),
    conditions: SegmentConditions.optional().openapi({ description: "The whole new list" }),
  })
  .strict()
  .openapi("UpdateSegment");

export const SegmentUse = z
  .object({ flag: z.string(), environment: z.string(), rules: z.array(z.string()) })
  .openapi("SegmentUse");

export const Segment = z
  .object({
    key: SegmentKey,
    description: z.string(),
    idAttribute: z.string(),
    ids: z.array(z.string()),
    conditions: z.array(z.any()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    usedBy: z
      .array(SegmentUse)
      .openapi({ description: "The rules that reference it, per flag and environment" }),
  })
  .openapi("Segment");

export type CreateSegmentInput = z.infer<typeof CreateSegmentBody>;
export type UpdateSegmentInput = z.infer<typeof UpdateSegmentBody>;
export type SegmentOut = z.infer<typeof Segment>;
export type SegmentUseOut = z.infer<typeof SegmentUse>;
