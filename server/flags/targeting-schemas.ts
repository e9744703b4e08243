import { z } from "@hono/zod-openapi";
import { regexError } from "../../sdk/core/regex-check.js";
import {
  PREREQUISITE_LIMIT,
  RULE_SEGMENT_LIMIT,
  SEGMENT_ID_LENGTH,
  SEGMENT_ID_LIMIT,
} from "../../sdk/core/targeting-limits.js";
import { OPERATORS, TEXT_OPERATORS } from "../../sdk/core/types.js";
import { FLAG_KEY_PATTERN, FlagKey } from "../kernel/http/common-schemas.js";

// The targeting vocabulary shared by flag rules and segments: conditions, segment references,
// prerequisites. The core compiles the same shapes (sdk/core/types.ts) and fails closed on what
// these schemas refuse, so a write is refused here for what could never evaluate.

const TEXT: readonly string[] = TEXT_OPERATORS;

export const Condition = z
  .object({
    attribute: z.string().min(1).max(128),
    operator: z.enum(OPERATORS),
    values: z
      .array(z.union([z.string().max(1024), z.number()]))
      .min(1)
      .max(10_000),
    caseInsensitive: z.boolean().optional().openapi({ description: "Text operators only: ignore case" }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.caseInsensitive && !TEXT.includes(c.operator))
      ctx.addIssue({
        code: "custom",
        path: ["caseInsensitive"],
        message: `\`${c.operator}\` does not compare text: leave caseInsensitive out`,
      });
    if (c.operator !== "matches" && c.operator !== "not_matches") return;
    c.values.forEach((v, i) => {
      const error = typeof v === "string" ? regexError(v) : "a pattern is a string";
      if (error) ctx.addIssue({ code: "custom", path: ["values", i], message: error });
    });
  })
  .openapi("Condition");

export const SegmentKey = z
  .string()
  .regex(FLAG_KEY_PATTERN, {
    message: "must be 1–128 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
  })
  .openapi({ example: "beta-testers" });

/** Segment keys a rule references: the context must be in every one. */
export const RuleSegments = z
  .array(SegmentKey)
  .max(RULE_SEGMENT_LIMIT)
  .openapi({ description: "Segments the context must be in, every one of them (with the conditions)" });

export const Prerequisite = z
  .object({
    flag: FlagKey,
    variants: z.array(z.string().min(1).max(64)).min(1).max(100),
  })
  .strict()
  .openapi("Prerequisite", {
    description: "Served only when `flag`, for the same context, gives one of `variants`",
  });

export const Prerequisites = z.array(Prerequisite).max(PREREQUISITE_LIMIT);

export const SegmentIds = z
  .array(z.string().min(1).max(SEGMENT_ID_LENGTH))
  .max(SEGMENT_ID_LIMIT, { message: `a segment lists at most ${SEGMENT_ID_LIMIT} ids` })
  .openapi({ description: `Ids that are in the segment (up to ${SEGMENT_ID_LIMIT})` });

export const SegmentConditions = z
  .array(Condition)
  .max(50)
  .openapi({ description: "When non-empty, a context for which all hold is in the segment" });

export type ConditionInput = z.infer<typeof Condition>;
export type PrerequisiteInput = z.infer<typeof Prerequisite>;
