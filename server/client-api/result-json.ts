import type { CompiledFlag, EvaluationResult } from "../../sdk/core/index.js";

const cache = new WeakMap<CompiledFlag, Map<string, string>>();

/**
 * One result as browsers receive it: `{"value":…,"variant":"…","reason":"…"}`, and `errorCode`
 * for errors. Nothing else: no rules, percentages, salts, nor error messages (they name rule ids
 * and attributes). A flag yields few distinct results (variant × reason), so each is serialised
 * once per compiled flag and reused; a changed flag is a new compiled object, so the cache never
 * goes stale.
 */
export function clientResultJson(flag: CompiledFlag, r: EvaluationResult): string {
  if (r.errorCode !== undefined)
    return JSON.stringify({ value: r.value, variant: r.variant, reason: r.reason, errorCode: r.errorCode });
  let byResult = cache.get(flag);
  if (byResult === undefined) {
    byResult = new Map();
    cache.set(flag, byResult);
  }
  const id = `${r.reason}\u0000${r.variant ?? ""}`;
  let json = byResult.get(id);
  if (json === undefined) {
    json = JSON.stringify({ value: r.value, variant: r.variant, reason: r.reason });
    byResult.set(id, json);
  }
  return json;
}
