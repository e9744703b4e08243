import type { CompiledFlag, EvaluationResult } from "../../sdk/core/index.js";
import { EtagHash } from "../http/etag.js";

/** One flag's result as browsers receive it, `"key":{…}`, with its hash for ETags. */
export interface Fragment {
  readonly text: string;
  readonly hashA: number;
  readonly hashB: number;
}

// Per arm, per compiled flag: reason → variant key → fragment. Two lookups with strings that
// already exist (reason literals, the compiled variants' keys), rather than one with a key built
// per call; the arm picks one of three caches, so it costs no lookup at all.
type Cache = WeakMap<CompiledFlag, Map<string, Map<string, Fragment>>>;
const treatmentCache: Cache = new WeakMap();
const controlCache: Cache = new WeakMap();
const noArmCache: Cache = new WeakMap();

function fragment(key: string, result: string): Fragment {
  const text = `${JSON.stringify(key)}:${result}`;
  const h = new EtagHash().text(text);
  return { text, hashA: h.a, hashB: h.b };
}

/** The fragment of a flag that is gone or no longer visible, in stream patches. */
export function removedFragment(key: string): Fragment {
  return fragment(key, "null");
}

/**
 * One result as browsers receive it: `"key":{"value":…,"variant":"…","reason":"…"}`, `arm`
 * (`treatment` or `control`) when the default rollout decided, so the browser SDK can report
 * outcomes per arm, and `errorCode` for errors. The arm tells a user only which side they are on
 * (which the value mostly says already), not the percentage nor who else is in. Nothing else: no
 * rules, percentages, salts, nor error messages (they name rule ids and attributes). A flag yields few distinct results (variant × reason), so each is
 * serialised and hashed once per compiled flag and reused; a changed flag is a new compiled
 * object, so the cache never goes stale.
 */
export function clientFragment(flag: CompiledFlag, r: EvaluationResult): Fragment {
  if (r.errorCode !== undefined)
    return fragment(
      flag.key,
      JSON.stringify({ value: r.value, variant: r.variant, reason: r.reason, errorCode: r.errorCode }),
    );
  const cache = r.arm === "treatment" ? treatmentCache : r.arm === "control" ? controlCache : noArmCache;
  let byReason = cache.get(flag);
  if (byReason === undefined) {
    byReason = new Map();
    cache.set(flag, byReason);
  }
  let byVariant = byReason.get(r.reason);
  if (byVariant === undefined) {
    byVariant = new Map();
    byReason.set(r.reason, byVariant);
  }
  const variant = r.variant ?? "";
  let hit = byVariant.get(variant);
  if (hit === undefined) {
    hit = fragment(
      flag.key,
      JSON.stringify({ value: r.value, variant: r.variant, reason: r.reason, arm: r.arm }),
    );
    byVariant.set(variant, hit);
  }
  return hit;
}
