import { and, eq, isNull } from "drizzle-orm";
import { applyStatePatch, findState } from "../flags/index.js";
import { type AuditInput, type ChangeWork, commitChange } from "../kernel/change/change-path.js";
import type { Db } from "../kernel/db/database.js";
import { guardRuns } from "../kernel/db/schema.js";
import type { AppDeps } from "../kernel/deps.js";
import { sendWebhooks } from "../webhooks/index.js";
import type { RunOutcome } from "./evaluate-run.js";
import { evidenceDetail } from "./evidence-detail.js";
import type { GuardRunRow, RunConsumed, RunEvidence } from "./guard-rows.js";
import type { GuardRule } from "./stats/guard-rule.js";

/** The actor of every change the guard makes. */
export const GUARD_ACTOR = "guard";

interface Recorded {
  run: GuardRunRow;
  rules: readonly GuardRule[];
  outcome: RunOutcome;
  consumed: RunConsumed;
  now: number;
}

/** Another instance (or a person removing the guard) changed the run since it was read. */
class LostRace extends Error {}

function updateRun(tx: Db, run: GuardRunRow, set: Partial<typeof guardRuns.$inferInsert>): void {
  const changes = tx
    .update(guardRuns)
    .set({ ...set, version: run.version + 1 })
    .where(and(eq(guardRuns.id, run.id), eq(guardRuns.version, run.version), isNull(guardRuns.endedAt)))
    .run().changes;
  if (changes !== 1) throw new LostRace();
}

/**
 * The rollback, through the one change path: the flag's percentage to 0 (the previous one kept in
 * `previousPercentage`), the run ended as `rolled_back` with its evidence, and the audit event
 * `guard.rolled_back` holding that evidence, in ONE transaction; the change streams to every SDK
 * on commit. Then the webhooks, fire and forget. Returns false when the run changed meanwhile.
 */
export function recordRollback(deps: AppDeps, r: Recorded): boolean {
  const { run, rules, outcome, consumed, now } = r;
  const index = outcome.rollback!;
  const detail = evidenceDetail(run, rules, outcome.decisions, index, outcome.evidence);
  let previousPercentage = 0;
  try {
    commitChange(deps, (tx, at): ChangeWork<void> => {
      const before = findState(tx, run.flagKey, run.environment);
      previousPercentage = (before?.percentageMilli ?? 0) / 1000;
      let audit: AuditInput[];
      let touched: ChangeWork<void>["touched"] = [];
      let stateVersion = before?.version ?? 0;
      if (before && before.percentageMilli > 0) {
        const work = applyStatePatch(
          tx,
          at,
          run.flagKey,
          run.environment,
          { percentage: 0 },
          { actor: GUARD_ACTOR, action: "guard.rolled_back", detail, rememberPrevious: true },
        );
        audit = work.audit;
        touched = work.touched;
        stateVersion = work.result.version;
      } else {
        audit = [
          {
            actor: GUARD_ACTOR,
            action: "guard.rolled_back",
            flagKey: run.flagKey,
            environment: run.environment,
            detail,
          },
        ];
      }
      const evidence: RunEvidence = {
        ...outcome.evidence,
        rolledBack: {
          at: now,
          previousPercentage,
          stateVersion,
          rule: rules[index]!,
          reason: outcome.reason,
        },
      };
      updateRun(tx, run, {
        state: "rolled_back",
        evidence,
        consumed,
        lastTickAt: now,
        endedAt: now,
        endReason: "rolled_back",
      });
      return { result: undefined, audit, touched };
    });
  } catch (error) {
    if (error instanceof LostRace) return false;
    throw error;
  }
  void sendWebhooks(deps, run.environment, {
    type: "guard.rolled_back",
    flagKey: run.flagKey,
    state: "rolled_back",
    percentage: 0,
    previousPercentage,
    reason: outcome.reason,
    headline: detail.headline,
    evidence: detail,
  });
  return true;
}

/**
 * A notify rule proved harm, the split paused the guard, or it entered `warning`: the run's new
 * state with one audit event per event (`guard.notify`, `guard.paused`, `guard.warning`) in one
 * transaction, then the webhooks. No rollback. Returns false when the run changed meanwhile.
 */
export function recordEvents(deps: AppDeps, r: Recorded): boolean {
  const { run, rules, outcome, consumed, now } = r;
  const sent = outcome.events.map((e) => ({
    type: e.type,
    detail: evidenceDetail(run, rules, outcome.decisions, e.rule, outcome.evidence),
  }));
  try {
    commitChange(deps, (tx): ChangeWork<void> => {
      updateRun(tx, run, { state: outcome.state, evidence: outcome.evidence, consumed, lastTickAt: now });
      return {
        result: undefined,
        audit: sent.map((e) => ({
          actor: GUARD_ACTOR,
          action: e.type,
          flagKey: run.flagKey,
          environment: run.environment,
          detail: e.detail,
        })),
        touched: [],
      };
    });
  } catch (error) {
    if (error instanceof LostRace) return false;
    throw error;
  }
  for (const e of sent) {
    void sendWebhooks(deps, run.environment, {
      type: e.type,
      flagKey: run.flagKey,
      state: outcome.state,
      reason: e.detail.reason,
      headline: e.detail.headline,
      evidence: e.detail,
    });
  }
  return true;
}
