/**
 * One environment's flags and the instance's segments, compiled, as an SDK or the server holds
 * them between updates. It applies full sets and single changes, reports which flags changed (so
 * callers can notify listeners of exactly those, dependents included), and evaluates: it is the
 * scope in which flags find their prerequisites and segments. `evaluate` is the hot path: one Map lookup, one
 * type check, the compiled evaluation and the result object, nothing else.
 */
import { compileFlag } from "./compile.js";
import { type CompiledSegment, compileSegment } from "./compile-segment.js";
import type { CompiledFlag, EvaluationScope } from "./compiled-flag.js";
import { evaluateFlag } from "./evaluate.js";
import { isRecord } from "./is-record.js";
import type {
  EvaluationContext,
  EvaluationResult,
  FlagConfig,
  FlagSet,
  FlagType,
  JsonValue,
  SegmentConfig,
} from "./types.js";

/** Whether a caller's default value has the flag's type (json: object, array or null). */
function fitsDefault(type: FlagType, value: unknown): boolean {
  if (type === "json") return typeof value === "object";
  return typeof value === type;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

export class FlagStore implements EvaluationScope {
  #flags = new Map<string, CompiledFlag>();
  #segments = new Map<string, CompiledSegment>();
  #environment = "";
  #revision = 0;

  constructor(set?: FlagSet) {
    if (set !== undefined) this.replace(set);
  }

  get environment(): string {
    return this.#environment;
  }

  /** The revision of the last set or change applied. */
  get revision(): number {
    return this.#revision;
  }

  get size(): number {
    return this.#flags.size;
  }

  /**
   * Replaces every flag with those of `set`; returns the keys that were added, removed or whose
   * version changed. A set without a `flags` array is ignored (returns []): a broken download must
   * not wipe the flags being served. Flags without a key cannot be addressed and are skipped.
   */
  replace(set: FlagSet): string[] {
    if (!isRecord(set) || !Array.isArray(set.flags)) return [];
    const next = new Map<string, CompiledFlag>();
    for (const config of set.flags) {
      const flag = compileFlag(config);
      if (flag.key !== "") next.set(flag.key, flag);
    }
    const segments = new Map<string, CompiledSegment>();
    if (Array.isArray(set.segments))
      for (const config of set.segments) {
        const segment = compileSegment(config);
        if (segment.key !== "") segments.set(segment.key, segment);
      }
    const changedFlags = new Set<string>();
    for (const [key, flag] of next) if (this.#flags.get(key)?.version !== flag.version) changedFlags.add(key);
    for (const key of this.#flags.keys()) if (!next.has(key)) changedFlags.add(key);
    const changedSegments = new Set<string>();
    for (const [key, segment] of segments)
      if (this.#segments.get(key)?.version !== segment.version) changedSegments.add(key);
    for (const key of this.#segments.keys()) if (!segments.has(key)) changedSegments.add(key);
    this.#flags = next;
    this.#segments = segments;
    const changed = this.#affected(changedFlags, changedSegments);
    for (const key of changedFlags) if (!next.has(key)) changed.push(key);
    if (typeof set.environment === "string") this.#environment = set.environment;
    if (typeof set.revision === "number") this.#revision = set.revision;
    return changed;
  }

  /**
   * A copy that shares the compiled flags (they never change once compiled) and can then take
   * changes of its own: a holder that keeps one store per revision copies a map, not the rules.
   */
  clone(): FlagStore {
    const copy = new FlagStore();
    copy.#flags = new Map(this.#flags);
    copy.#segments = new Map(this.#segments);
    copy.#environment = this.#environment;
    copy.#revision = this.#revision;
    return copy;
  }

  /** A change at or below the current revision was already applied (or is stale). */
  #isStale(revision: number | undefined): boolean {
    return typeof revision === "number" && revision <= this.#revision;
  }

  #advance(revision: number | undefined): void {
    if (typeof revision === "number") this.#revision = revision;
  }

  /** Adds or replaces one flag; true when it was added or its version changed. */
  upsert(flag: FlagConfig, revision?: number): boolean {
    if (this.#isStale(revision)) return false;
    const compiled = compileFlag(flag);
    if (compiled.key === "") return false;
    this.#advance(revision);
    const previous = this.#flags.get(compiled.key);
    this.#flags.set(compiled.key, compiled);
    return previous?.version !== compiled.version;
  }

  /** Removes one flag; true when it was there. */
  remove(key: string, revision?: number): boolean {
    if (this.#isStale(revision)) return false;
    this.#advance(revision);
    return this.#flags.delete(key);
  }

  /** Adds or replaces one segment; true when it was added or its version changed. */
  upsertSegment(segment: SegmentConfig, revision?: number): boolean {
    if (this.#isStale(revision)) return false;
    const compiled = compileSegment(segment);
    if (compiled.key === "") return false;
    this.#advance(revision);
    const previous = this.#segments.get(compiled.key);
    this.#segments.set(compiled.key, compiled);
    return previous?.version !== compiled.version;
  }

  /** Removes one segment; true when it was there. */
  removeSegment(key: string, revision?: number): boolean {
    if (this.#isStale(revision)) return false;
    this.#advance(revision);
    return this.#segments.delete(key);
  }

  get(key: string): CompiledFlag | undefined {
    return this.#flags.get(key);
  }

  segment(key: string): CompiledSegment | undefined {
    return this.#segments.get(key);
  }

  segmentKeys(): string[] {
    return [...this.#segments.keys()];
  }

  /**
   * The flags (present ones, in the store's order) whose evaluation may change when the given
   * flags or segments change: those flags themselves, the flags whose rules reference the
   * segments, and, transitively, every flag that has one of those as a prerequisite.
   */
  affectedBy(change: { flags?: Iterable<string>; segments?: Iterable<string> }): string[] {
    return this.#affected(new Set(change.flags ?? []), new Set(change.segments ?? []));
  }

  #affected(flags: ReadonlySet<string>, segments: ReadonlySet<string>): string[] {
    const hit = new Set<string>();
    for (const flag of this.#flags.values()) {
      if (flags.has(flag.key)) hit.add(flag.key);
      else for (const key of flag.segmentKeys) if (segments.has(key)) hit.add(flag.key);
    }
    // Prerequisites chain: repeat until nothing new depends on what changed (bounded by the flags).
    const reaches = (flag: CompiledFlag) =>
      flag.prerequisites.some((p) => hit.has(p.flag) || flags.has(p.flag));
    for (let grew = true; grew; ) {
      grew = false;
      for (const flag of this.#flags.values())
        if (!hit.has(flag.key) && reaches(flag)) {
          hit.add(flag.key);
          grew = true;
        }
    }
    return [...this.#flags.keys()].filter((key) => hit.has(key));
  }

  has(key: string): boolean {
    return this.#flags.has(key);
  }

  keys(): string[] {
    return [...this.#flags.keys()];
  }

  /** The raw configs as given, e.g. to write a backup file. */
  snapshot(): FlagSet {
    const flags: FlagConfig[] = [];
    for (const flag of this.#flags.values()) flags.push(flag.config);
    const segments: SegmentConfig[] = [];
    for (const segment of this.#segments.values()) segments.push(segment.config);
    return { environment: this.#environment, revision: this.#revision, flags, segments };
  }

  /**
   * Evaluates one flag. Never throws. On any ERROR the value is the caller's `defaultValue` and
   * no variant is reported (the default is not a variant of the flag).
   */
  evaluate<T extends JsonValue>(
    key: string,
    context: EvaluationContext,
    defaultValue: T,
  ): EvaluationResult<T> {
    const flag = this.#flags.get(key);
    if (flag === undefined)
      return {
        value: defaultValue,
        reason: "ERROR",
        errorCode: "FLAG_NOT_FOUND",
        errorMessage: `no flag "${String(key)}"`,
      };
    if (flag.type !== undefined && !fitsDefault(flag.type, defaultValue))
      return {
        value: defaultValue,
        reason: "ERROR",
        errorCode: "TYPE_MISMATCH",
        errorMessage: `flag "${flag.key}" is a ${flag.type} flag; the default value is ${describeValue(defaultValue)}`,
      };
    const result = evaluateFlag(flag, context, this);
    if (result.reason !== "ERROR") return result as EvaluationResult<T>;
    return {
      value: defaultValue,
      reason: "ERROR",
      errorCode: result.errorCode ?? "GENERAL",
      errorMessage: result.errorMessage ?? "evaluation failed",
    };
  }

  /** Evaluates every flag (or those `filter` keeps); errors keep the off variant's value. */
  evaluateAll(
    context: EvaluationContext,
    filter?: (flag: FlagConfig) => boolean,
  ): Record<string, EvaluationResult> {
    const results: Record<string, EvaluationResult> = {};
    for (const flag of this.#flags.values()) {
      if (filter && !filter(flag.config)) continue;
      const result = evaluateFlag(flag, context, this);
      // Plain assignment would set the prototype for a key "__proto__"; define that one instead.
      if (flag.key === "__proto__")
        Object.defineProperty(results, flag.key, {
          value: result,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else results[flag.key] = result;
    }
    return results;
  }
}
