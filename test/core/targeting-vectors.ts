import { readFileSync } from "node:fs";
import type { EvaluationContext, FlagConfig, JsonValue, SegmentConfig } from "../../sdk/core/index.js";

export interface TargetingCase {
  flag: string;
  context: EvaluationContext;
  variant: string | null;
  reason: string;
  errorCode?: string;
  note?: string;
}

export interface TargetingVectors {
  version: number;
  segments: SegmentConfig[];
  flags: FlagConfig[];
  refusedByServer: string[];
  cases: TargetingCase[];
}

export const targetingVectorsText = readFileSync(
  new URL("../vectors/targeting-vectors.json", import.meta.url),
  "utf8",
);
export const targetingVectors = JSON.parse(targetingVectorsText) as TargetingVectors;

/** A case's outcome as compared everywhere: the variant (null on ERROR), reason and error code. */
export function outcome(result: {
  variant?: string | undefined;
  reason: string;
  errorCode?: string | undefined;
}) {
  return {
    variant: result.reason === "ERROR" ? null : (result.variant ?? null),
    reason: result.reason,
    ...(result.errorCode ? { errorCode: result.errorCode } : {}),
  };
}

export function expected(c: TargetingCase) {
  return { variant: c.variant, reason: c.reason, ...(c.errorCode ? { errorCode: c.errorCode } : {}) };
}

/** The default value a case is evaluated with (the flag's type decides). */
export function defaultFor(flag: FlagConfig): JsonValue {
  return flag.type === "boolean" ? false : flag.type === "string" ? "" : flag.type === "number" ? 0 : null;
}
