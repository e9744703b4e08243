import type { AppDeps } from "../kernel/deps.js";
import { startLoop } from "../kernel/loop.js";
import { type GuardLoopOptions, loopOptions } from "./guard-options.js";
import { tickGuards } from "./guard-tick.js";

/**
 * Runs `tickGuards` every `tickMs` on the leader only (one instance decides; the others would
 * decide the same from the same rows, but twice). Nothing it does can throw out of the timer.
 * Returns the stop function.
 */
export function startGuardLoop(deps: AppDeps, options: GuardLoopOptions = {}): () => Promise<void> {
  const opts = loopOptions(options);
  return startLoop(opts.tickMs, async () => {
    if (!deps.leader.isLeader()) return;
    try {
      await tickGuards(deps, deps.clock.now(), options);
    } catch (error) {
      deps.log("guard loop: the tick failed", error);
    }
  });
}
