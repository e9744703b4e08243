import type { CompiledFlag, EvaluationResult } from "../../sdk/core/index.js";

/** An OFREP evaluation, success or failure, with the HTTP status a single evaluation answers. */
export interface OfrepAnswer {
  status: 200 | 400 | 404 | 500;
  body: Record<string, unknown>;
}

export function flagNotFound(key: string): OfrepAnswer {
  return {
    status: 404,
    body: { key, errorCode: "FLAG_NOT_FOUND", errorDetails: `flag "${key}" was not found` },
  };
}

/**
 * A Rollguard result in OFREP's shapes. A flag that cannot be evaluated becomes PARSE_ERROR; a
 * context without the flag's stickiness attribute, where a partial rollout needed it, becomes
 * TARGETING_KEY_MISSING (Rollguard itself serves the off variant then, and says why). Browsers
 * (client tokens) get no configuration details in `errorDetails`.
 */
export function ofrepAnswer(flag: CompiledFlag, r: EvaluationResult, forBrowser: boolean): OfrepAnswer {
  const key = flag.key;
  if (r.errorCode !== undefined) {
    const status = r.errorCode === "GENERAL" ? 500 : r.errorCode === "FLAG_NOT_FOUND" ? 404 : 400;
    const errorDetails =
      forBrowser && r.errorCode === "PARSE_ERROR"
        ? `flag "${key}" is misconfigured and cannot be evaluated`
        : (r.errorMessage ?? r.errorCode);
    return { status, body: { key, errorCode: r.errorCode, errorDetails } };
  }
  if (r.errorMessage !== undefined && r.errorMessage === flag.missingStickiness)
    return { status: 400, body: { key, errorCode: "TARGETING_KEY_MISSING", errorDetails: r.errorMessage } };
  const body: Record<string, unknown> = { key, value: r.value, reason: r.reason };
  if (r.variant !== undefined) body.variant = r.variant;
  body.metadata = { version: flag.version, type: flag.type ?? "unknown" };
  return { status: 200, body };
}
