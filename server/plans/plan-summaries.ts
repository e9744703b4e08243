import type { Db } from "../kernel/db/database.js";
import { activePlans, type PlanState, stagesOf } from "./plan-rows.js";

/** Where an active plan stands, for dashboards and `/metrics`. */
export interface PlanSummary {
  id: string;
  flagKey: string;
  environment: string;
  state: PlanState;
  /** 0-based index of the current stage; -1 before the first. */
  stage: number;
  stages: number;
  /** The current stage's percentage; null before the first stage. */
  percentage: number | null;
}

export async function planSummaries(db: Db): Promise<PlanSummary[]> {
  return (await activePlans(db)).map((p) => {
    const stages = stagesOf(p);
    return {
      id: p.id,
      flagKey: p.flagKey,
      environment: p.environment,
      state: p.state,
      stage: p.currentStage,
      stages: stages.length,
      percentage: stages[p.currentStage]?.percentage ?? null,
    };
  });
}
