import { and, eq } from "drizzle-orm";
import { type FlagStateRow, findFlag, findState } from "../flags/index.js";
import { lastAudit } from "../kernel/change/audit-trail.js";
import { single } from "../kernel/db/database.js";
import { guardRuns } from "../kernel/db/schema.js";
import type { AppDeps } from "../kernel/deps.js";
import {
  bucketStartOf,
  bucketsSince,
  METRICS_BUCKET_MS,
  type SourceCursor,
  type SourceInterval,
  type SourceReading,
  sourceInterval,
  sourceKey,
  subtractCounts,
  sumBuckets,
} from "../metrics/index.js";
import { evaluateRun, type RuleSourceWindow } from "./evaluate-run.js";
import { type GuardLoopOptions, loopOptions, type ResolvedLoopOptions } from "./guard-options.js";
import {
  allGuards,
  type GuardRow,
  type GuardRunRow,
  latestRun,
  type RunConsumed,
  type RunEvidence,
  runConsumedOf,
  runEvidenceOf,
  zeroTotals,
} from "./guard-rows.js";
import { GUARD_ACTOR, recordEvents, recordRollback } from "./record-outcome.js";
import { type GuardedRule, guardedRulesOf } from "./rule-sources.js";
import type { GuardState } from "./stats/evidence.js";
import type { GuardRule } from "./stats/guard-rule.js";
import type { GuardWindow } from "./stats/window.js";
import { emptyArmWindow } from "./stats/window.js";

export type TickAction =
  | "none"
  | "opened"
  | "closed"
  | "ticked"
  | "rolled_back"
  | "events"
  | "lost_race"
  | "error";

export interface GuardTickResult {
  flagKey: string;
  environment: string;
  action: TickAction;
  runId?: number;
  state?: GuardState;
  error?: unknown;
}

/** This tick's polls of the Prometheus sources, by `sourceKey` (see `poll-sources.ts`). */
export type SourceReadings = ReadonlyMap<string, SourceReading>;

/**
 * One tick of the guard loop for every guarded flag, at `now`. A flag's failure is logged and
 * reported in its result; it never stops the other flags, and this function never throws.
 * `readings` are the Prometheus polls made just before; a sourced rule without one holds.
 */
export async function tickGuards(
  deps: AppDeps,
  now: number,
  options: GuardLoopOptions = {},
  readings: SourceReadings = new Map(),
): Promise<GuardTickResult[]> {
  const opts = loopOptions(options);
  let guards: GuardRow[];
  try {
    guards = await allGuards(deps.db);
  } catch (error) {
    deps.log("guard tick: the guards could not be read", error);
    return [];
  }
  const results: GuardTickResult[] = [];
  for (const guard of guards) {
    try {
      results.push(await tickGuard(deps, guard, now, opts, readings));
    } catch (error) {
      deps.log(`guard tick failed for \`${guard.flagKey}\` in \`${guard.environment}\``, error);
      results.push({ flagKey: guard.flagKey, environment: guard.environment, action: "error", error });
    }
  }
  return results;
}

async function tickGuard(
  deps: AppDeps,
  guard: GuardRow,
  now: number,
  opts: ResolvedLoopOptions,
  readings: SourceReadings,
): Promise<GuardTickResult> {
  const { flagKey, environment } = guard;
  const guarded = guardedRulesOf(guard.rules);
  const rules = guarded.map((g) => g.rule);
  const flag = await findFlag(deps.db, flagKey);
  const state = await findState(deps.db, flagKey, environment);
  const run = await latestRun(deps.db, flagKey, environment);
  const live = flag !== undefined && flag.archivedAt === null && state !== undefined;
  const open = live && state.enabled && state.percentageMilli > 0 && rules.length > 0;
  const base = { flagKey, environment, ...(run ? { runId: run.id, state: run.state } : {}) };

  if (run && run.endedAt === null) {
    // A hold lasts until a person changes the flag; then the run ends, and the next tick opens one.
    const held = run.state === "held" ? runEvidenceOf(run).held : undefined;
    if (open && held && state.version > held.stateVersion) {
      return (await endRun(deps, run, now, "released"))
        ? { ...base, action: "closed" }
        : { ...base, action: "lost_race" };
    }
    if (!open) {
      const why = !live ? "flag_archived" : rules.length === 0 ? "no_rules" : "flag_closed";
      return (await endRun(deps, run, now, why))
        ? { ...base, action: "closed" }
        : { ...base, action: "lost_race" };
    }
    return await stepRun(deps, guard, guarded, run, state, now, opts, readings);
  }
  if (!open) return { ...base, action: "none" };
  // Rolled back is sticky: only a person's later change that opens the flag again starts a new run.
  if (run?.state === "rolled_back") {
    const rolledBack = runEvidenceOf(run).rolledBack;
    const reopened = rolledBack
      ? state.version > rolledBack.stateVersion
      : state.updatedAt > (run.endedAt ?? 0);
    if (!reopened) return { ...base, action: "none" };
  }
  const opened = await openRun(deps, flagKey, environment, state, now);
  return { flagKey, environment, action: "opened", runId: opened.id, state: opened.state };
}

/** The latest actor other than the guard in the flag's audit trail: who opened it. */
async function openedBy(deps: AppDeps, flagKey: string, environment: string): Promise<string | null> {
  return (await lastAudit(deps.db, flagKey, environment, GUARD_ACTOR))?.actor ?? null;
}

/**
 * A new run with fresh evidence. Counts already in the store (the current bucket included) are
 * marked consumed: only what arrives after the run opens counts.
 */
async function openRun(
  deps: AppDeps,
  flagKey: string,
  environment: string,
  state: FlagStateRow,
  now: number,
) {
  const from = bucketStartOf(now) - METRICS_BUCKET_MS;
  const consumed: RunConsumed = {
    from,
    counts: sumBuckets(await bucketsSince(deps.db, flagKey, environment, from)),
    percentageMilli: state.percentageMilli,
    percentageSince: now,
  };
  const evidence: RunEvidence = {
    version: 1,
    rules: [],
    reason: "run started: waiting for the first counts",
    stateSince: now,
    totals: zeroTotals(),
    openedBy: await openedBy(deps, flagKey, environment),
  };
  return await deps.database.transaction((tx) =>
    tx
      .insert(guardRuns)
      .values({
        flagKey,
        environment,
        state: "no_data",
        evidence,
        consumed,
        startedAt: now,
        lastTickAt: now,
        version: 1,
      })
      .returning()
      .then(single),
  );
}

async function endRun(deps: AppDeps, run: GuardRunRow, now: number, reason: string): Promise<boolean> {
  const changed = await deps.database.transaction((tx) =>
    tx
      .update(guardRuns)
      .set({ endedAt: now, endReason: reason, lastTickAt: now, version: run.version + 1 })
      .where(and(eq(guardRuns.id, run.id), eq(guardRuns.version, run.version)))
      .returning({ id: guardRuns.id }),
  );
  return changed.length === 1;
}

/** The counts that arrived since the last tick, and what to remember as consumed. */
async function readWindow(
  deps: AppDeps,
  run: GuardRunRow,
  state: FlagStateRow,
  now: number,
  opts: ResolvedLoopOptions,
): Promise<{ window: GuardWindow; consumed: RunConsumed }> {
  const before = runConsumedOf(run);
  const percentageSince = state.percentageMilli === before.percentageMilli ? before.percentageSince : now;
  const settled = now - percentageSince >= opts.settleMs;
  try {
    const rows = await bucketsSince(deps.db, run.flagKey, run.environment, before.from);
    const all = sumBuckets(rows);
    const from = Math.max(before.from, bucketStartOf(now) - METRICS_BUCKET_MS);
    return {
      window: {
        // Unknown while the split settles: no sample-ratio check on mixed counts.
        percentage: settled ? state.percentageMilli / 1000 : Number.NaN,
        treatment: subtractCounts(all.treatment, before.counts.treatment),
        control: subtractCounts(all.control, before.counts.control),
      },
      consumed: {
        from,
        counts: sumBuckets(rows.filter((r) => r.bucketStart >= from)),
        percentageMilli: state.percentageMilli,
        percentageSince,
      },
    };
  } catch (error) {
    deps.log(`guard: the counts of \`${run.flagKey}\` in \`${run.environment}\` could not be read`, error);
    return {
      window: {
        percentage: Number.NaN,
        treatment: emptyArmWindow(),
        control: emptyArmWindow(),
        sourceFailed: true,
      },
      consumed: before,
    };
  }
}

/**
 * Each Prometheus-sourced rule's window, from this tick's reading and the run's cursor of its
 * source (one interval per source, however many rules share it), and the cursors to remember.
 */
function sourceWindows(
  guarded: readonly GuardedRule[],
  readings: SourceReadings,
  before: Readonly<Record<string, SourceCursor>>,
  percentage: number,
  now: number,
): { windows: Array<RuleSourceWindow | undefined>; cursors: Record<string, SourceCursor> } {
  const cursors = { ...before };
  const intervals = new Map<string, SourceInterval>();
  const windows = guarded.map(({ rule, source }): RuleSourceWindow | undefined => {
    if (!source) return undefined;
    const key = sourceKey(source);
    const requireControl = rule.kind === "relative";
    const memo = `${requireControl} ${key}`;
    let interval = intervals.get(memo);
    if (!interval) {
      interval = sourceInterval(source, readings.get(key), before[key], { requireControl, now });
      intervals.set(memo, interval);
      if (interval.cursor && (interval.status.state === "ok" || !(key in cursors)))
        cursors[key] = interval.cursor;
    }
    const window: GuardWindow = interval.counts
      ? { percentage, treatment: interval.counts.treatment, control: interval.counts.control }
      : {
          percentage: Number.NaN,
          treatment: emptyArmWindow(),
          control: emptyArmWindow(),
          sourceFailed: true,
        };
    return { source, window, status: interval.status, ...(interval.unchanged ? { unchanged: true } : {}) };
  });
  return { windows, cursors };
}

async function stepRun(
  deps: AppDeps,
  guard: GuardRow,
  guarded: readonly GuardedRule[],
  run: GuardRunRow,
  state: FlagStateRow,
  now: number,
  opts: ResolvedLoopOptions,
  readings: SourceReadings,
): Promise<GuardTickResult> {
  const base = { flagKey: guard.flagKey, environment: guard.environment, runId: run.id };
  const rules: GuardRule[] = guarded.map((g) => g.rule);
  const read = await readWindow(deps, run, state, now, opts);
  const { window } = read;
  const sourced = sourceWindows(guarded, readings, runConsumedOf(run).sources ?? {}, window.percentage, now);
  const consumed: RunConsumed = guarded.some((g) => g.source)
    ? { ...read.consumed, sources: sourced.cursors }
    : read.consumed;
  const outcome = evaluateRun(rules, runEvidenceOf(run), run.state, window, now, opts, sourced.windows);
  const holding = outcome.decisions.findIndex((d) => d.action === "hold");
  if (outcome.rollback === undefined && holding >= 0 && outcome.evidence.held === undefined) {
    const d = outcome.decisions[holding]!;
    outcome.evidence.held = {
      at: now,
      stateVersion: state.version,
      rule: rules[holding]!,
      reason: d.reasonText,
    };
  }

  if (outcome.rollback !== undefined) {
    const done = await recordRollback(deps, { run, rules, outcome, consumed, now });
    return { ...base, action: done ? "rolled_back" : "lost_race", state: done ? "rolled_back" : run.state };
  }
  if (outcome.events.length > 0) {
    const done = await recordEvents(deps, { run, rules, outcome, consumed, now });
    return { ...base, action: done ? "events" : "lost_race", state: done ? outcome.state : run.state };
  }
  const changed = await deps.database.transaction((tx) =>
    tx
      .update(guardRuns)
      .set({
        state: outcome.state,
        evidence: outcome.evidence,
        consumed,
        lastTickAt: now,
        version: run.version + 1,
      })
      .where(and(eq(guardRuns.id, run.id), eq(guardRuns.version, run.version)))
      .returning({ id: guardRuns.id }),
  );
  return { ...base, action: changed.length === 1 ? "ticked" : "lost_race", state: outcome.state };
}
