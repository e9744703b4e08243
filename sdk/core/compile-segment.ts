/**
 * A segment config compiled once when it loads (never per evaluation): its ids in a Set, its
 * conditions into closures (regexes into matchers). Like flags, configs are untrusted: nothing
 * here throws, and a segment that cannot be compiled keeps its error, so that every rule that
 * reaches it fails closed rather than guess who is in it.
 */
import { isRecord } from "./is-record.js";
import { type CompiledCondition, compileCondition } from "./operators.js";
import { SEGMENT_ID_LIMIT } from "./targeting-limits.js";
import type { EvaluationContext, SegmentConfig } from "./types.js";

export interface CompiledSegment {
  readonly key: string;
  readonly version: number;
  /** The config as given, for snapshots. */
  readonly config: SegmentConfig;
  readonly ids: ReadonlySet<string>;
  readonly idAttribute: string;
  /** When the id attribute is `userId`, a context without it is matched by `targetingKey`. */
  readonly fallbackToTargetingKey: boolean;
  readonly conditions: readonly CompiledCondition[];
  /** Why the segment could not be compiled; a rule reaching it fails with PARSE_ERROR. */
  readonly error: string | undefined;
}

const NONE: ReadonlySet<string> = new Set();

function broken(config: unknown, key: string, error: string): CompiledSegment {
  const version = isRecord(config) && typeof config.version === "number" ? config.version : Number.NaN;
  return {
    key,
    version,
    config: config as SegmentConfig,
    ids: NONE,
    idAttribute: "userId",
    fallbackToTargetingKey: false,
    conditions: [],
    error,
  };
}

function compileUnsafe(config: unknown): CompiledSegment {
  if (!isRecord(config)) return broken(config, "", "the segment config is not an object");
  const key = typeof config.key === "string" ? config.key : "";
  if (key === "") return broken(config, key, "the segment has no key");
  const idAttribute = config.idAttribute ?? "userId";
  if (typeof idAttribute !== "string" || idAttribute === "")
    return broken(config, key, "idAttribute is not an attribute name");
  const rawIds = config.ids ?? [];
  if (!Array.isArray(rawIds) || !rawIds.every((id) => typeof id === "string"))
    return broken(config, key, "ids is not an array of strings");
  if (rawIds.length > SEGMENT_ID_LIMIT)
    return broken(config, key, `ids has ${rawIds.length} entries; at most ${SEGMENT_ID_LIMIT}`);
  const rawConditions = config.conditions ?? [];
  if (!Array.isArray(rawConditions)) return broken(config, key, "conditions is not an array");
  const conditions: CompiledCondition[] = [];
  for (const c of rawConditions) {
    const compiled = compileCondition(c);
    if (typeof compiled === "string") return broken(config, key, compiled);
    conditions.push(compiled);
  }
  return {
    key,
    version: typeof config.version === "number" ? config.version : Number.NaN,
    config: config as unknown as SegmentConfig,
    ids: new Set(rawIds as string[]),
    idAttribute,
    fallbackToTargetingKey: idAttribute === "userId",
    conditions,
    error: undefined,
  };
}

/** Compiles a segment config; never throws, whatever it is given. */
export function compileSegment(config: SegmentConfig): CompiledSegment {
  try {
    return compileUnsafe(config);
  } catch {
    const key = isRecord(config) && typeof config.key === "string" ? config.key : "";
    return broken(config, key, "the segment config could not be read");
  }
}

function idOf(segment: CompiledSegment, context: EvaluationContext): string | undefined {
  let value = context[segment.idAttribute];
  if (value === undefined && segment.fallbackToTargetingKey) value = context.targetingKey;
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * Whether the context is in a (compiled, error-free) segment: its id is listed, or the segment
 * has conditions and every one holds.
 */
export function inSegment(segment: CompiledSegment, context: EvaluationContext): boolean {
  if (segment.ids.size > 0) {
    const id = idOf(segment, context);
    if (id !== undefined && segment.ids.has(id)) return true;
  }
  const conditions = segment.conditions;
  if (conditions.length === 0) return false;
  for (const c of conditions) if (!c.test(context[c.attribute])) return false;
  return true;
}
