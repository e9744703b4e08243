import type { AppDeps } from "../kernel/deps.js";
import { recordUsage } from "./usage-rows.js";

/** Writes the usage marks every environment gathered since the last flush (see UsageMarks). */
export async function flushUsage(deps: AppDeps): Promise<void> {
  const now = deps.clock.now();
  for (const [environment, keys] of deps.snapshots.drainUsage())
    await recordUsage(deps.database, environment, keys, now);
}

/**
 * Flushes on a timer that never keeps the process alive, and once more on stop, so a clean
 * shutdown loses no mark. A failed flush is logged; its marks are gone, and the next evaluation
 * marks the flag again.
 */
export function startUsageFlush(deps: AppDeps, everyMs: number): () => Promise<void> {
  const flush = async () => {
    try {
      await flushUsage(deps);
    } catch (error) {
      deps.log("flags: recording flag usage failed", error);
    }
  };
  const timer = setInterval(() => void flush(), everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await flush();
  };
}
