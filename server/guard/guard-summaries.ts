import type { Db } from "../kernel/db/database.js";
import { allGuards } from "./guard-rows.js";
import { guardView } from "./guard-view.js";
import type { GuardState } from "./stats/evidence.js";

/** One guarded flag's state and, per rule, its evidence against its rollback threshold. */
export interface GuardSummary {
  flagKey: string;
  environment: string;
  state: GuardState;
  lastTickAt: number | null;
  rules: Array<{ rule: string; eValue: number | null; rollbackAt: number | null }>;
}

/** An e-value as a number: one that overflowed a double is written `e^x` and reads as +Inf. */
function eValueOf(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.startsWith("e^")) return Number.POSITIVE_INFINITY;
  return null;
}

/** Every guarded flag, for `/metrics` and dashboards; the same figures as `GET …/guard`. */
export async function guardSummaries(db: Db): Promise<GuardSummary[]> {
  const out: GuardSummary[] = [];
  for (const g of await allGuards(db)) {
    const view = await guardView(db, g.flagKey, g.environment);
    if (!view) continue;
    out.push({
      flagKey: g.flagKey,
      environment: g.environment,
      state: view.state,
      lastTickAt: view.lastTickAt === null ? null : Date.parse(view.lastTickAt),
      rules: view.evidence.map((e, i) => ({
        rule: `${i}:${e.rule.metric}${e.rule.metric === "custom" ? `:${e.rule.customMetric ?? ""}` : ""}:${e.rule.kind}`,
        eValue: eValueOf(e.eValue),
        rollbackAt: typeof e.rollbackAt === "number" ? e.rollbackAt : null,
      })),
    });
  }
  return out;
}
