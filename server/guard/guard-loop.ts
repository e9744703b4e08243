import type { AppDeps } from "../kernel/deps.js";
import { pruneMetrics } from "../metrics/prune.js";
import { type GuardLoopOptions, loopOptions } from "./guard-options.js";
import { tickGuards } from "./guard-tick.js";

/**
 * Runs `tickGuards` every `tickMs` (and prunes old metric buckets every `pruneEveryMs`). Nothing
 * it does can throw out of the timer. Returns the stop function.
 */
export function startGuardLoop(deps: AppDeps, options: GuardLoopOptions = {}): () => void {
  const opts = loopOptions(options);
  let lastPrune = Number.NEGATIVE_INFINITY;
  const tick = () => {
    const now = deps.clock.now();
    try {
      tickGuards(deps, now, options);
    } catch (error) {
      deps.log("guard loop: the tick failed", error);
    }
    if (now - lastPrune >= opts.pruneEveryMs) {
      lastPrune = now;
      try {
        pruneMetrics(deps.db, now, opts.retentionMs);
      } catch (error) {
        deps.log("guard loop: pruning metric buckets failed", error);
      }
    }
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, opts.tickMs);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
