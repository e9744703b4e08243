import { and, desc, eq } from "drizzle-orm";
import { type Db, one } from "../kernel/db/database.js";
import { guardRuns, guards } from "../kernel/db/schema.js";
import { type ArmPair, emptyArmPair, type SourceCursor, type SourceStatus } from "../metrics/index.js";
import { guardedRulesOf } from "./rule-sources.js";
import type { GuardEvidence, GuardState } from "./stats/evidence.js";
import type { GuardRule } from "./stats/guard-rule.js";

export type GuardRow = typeof guards.$inferSelect;
export type GuardRunRow = typeof guardRuns.$inferSelect;

/** Flag-level exposures and failures per arm. */
export interface ArmTotalsPair {
  treatment: { exposures: number; failures: number };
  control: { exposures: number; failures: number };
}

/** One rule's part of a run: `decide`'s evidence as it returned it, with its verdict. */
export interface RuleRecord {
  ruleKey: string;
  state: GuardState;
  reason: string;
  evidence: GuardEvidence;
  /** Rules with a Prometheus source: what it said at this tick. */
  source?: SourceStatus;
}

/** `guard_runs.evidence`: everything the guard knows in this run. */
export interface RunEvidence {
  version: 1;
  rules: RuleRecord[];
  /** The reason for the flag-level state, from the rule that decided it. */
  reason: string;
  /** When the run entered its current state. */
  stateSince: number;
  /** Everything counted in this run, flag-level, per arm. */
  totals: ArmTotalsPair;
  /** Who opened the flag (the latest non-guard actor of its audit trail when the run started). */
  openedBy: string | null;
  /**
   * Set when a `hold` rule proved harm: when, and the flag state's version then. A later version
   * (a person changed the flag) releases the hold: the run ends and a fresh one starts.
   */
  held?: { at: number; stateVersion: number; rule: GuardRule; reason: string };
  /** Set by the rollback: what the flag was, and the state version the rollback wrote. */
  rolledBack?: {
    at: number;
    previousPercentage: number;
    stateVersion: number;
    rule: GuardRule;
    reason: string;
  };
}

/**
 * `guard_runs.consumed`: the counts already folded into the evidence. `counts` is what the buckets
 * starting at or after `from` held at the last tick; the next tick's new counts are what those
 * buckets (and newer ones) hold now, minus `counts`. `from` trails the clock by one bucket, so a
 * bucket is never read again once it is closed, and pruning old buckets changes nothing.
 */
export interface RunConsumed {
  from: number;
  counts: ArmPair;
  /** The flag's percentage at the last tick, and since when (the split settles after a change). */
  percentageMilli: number;
  percentageSince: number;
  /** Prometheus sources: the cumulative values of their last poll in this run, by `sourceKey`. */
  sources?: Record<string, SourceCursor>;
}

export function zeroTotals(): ArmTotalsPair {
  return { treatment: { exposures: 0, failures: 0 }, control: { exposures: 0, failures: 0 } };
}

export async function findGuard(db: Db, flagKey: string, environment: string): Promise<GuardRow | undefined> {
  return await db
    .select()
    .from(guards)
    .where(and(eq(guards.flagKey, flagKey), eq(guards.environment, environment)))
    .then(one);
}

export async function allGuards(db: Db): Promise<GuardRow[]> {
  return await db.select().from(guards).orderBy(guards.environment, guards.flagKey);
}

/** The current run of a flag: its latest one (which may have ended: rolled back, closed, removed). */
export async function latestRun(
  db: Db,
  flagKey: string,
  environment: string,
): Promise<GuardRunRow | undefined> {
  return await db
    .select()
    .from(guardRuns)
    .where(and(eq(guardRuns.flagKey, flagKey), eq(guardRuns.environment, environment)))
    .orderBy(desc(guardRuns.id))
    .limit(1)
    .then(one);
}

/** The stored rules, each checked again (a row written by an older version must not throw). */
export function rulesOf(row: GuardRow): GuardRule[] {
  return guardedRulesOf(row.rules).map((g) => g.rule);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** A run's evidence as stored; anything malformed reads as an empty record (a fresh start). */
export function runEvidenceOf(run: GuardRunRow): RunEvidence {
  const e = run.evidence;
  const empty: RunEvidence = {
    version: 1,
    rules: [],
    reason: "",
    stateSince: run.startedAt,
    totals: zeroTotals(),
    openedBy: null,
  };
  if (!isObject(e) || e.version !== 1 || !Array.isArray(e.rules)) return empty;
  return {
    ...empty,
    ...(e as Partial<RunEvidence>),
    rules: e.rules.filter(isObject) as unknown as RuleRecord[],
  };
}

export function runConsumedOf(run: GuardRunRow): RunConsumed {
  const c = run.consumed;
  if (isObject(c) && typeof c.from === "number" && isObject(c.counts)) return c as unknown as RunConsumed;
  return {
    from: run.startedAt,
    counts: emptyArmPair(),
    percentageMilli: 0,
    percentageSince: run.startedAt,
  };
}
