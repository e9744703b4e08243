import type { AppDeps } from "../kernel/deps.js";
import { startLoop } from "../kernel/loop.js";
import { type GuardLoopOptions, loopOptions } from "./guard-options.js";
import { tickGuards } from "./guard-tick.js";
import { pollSources } from "./poll-sources.js";

/**
 * Runs `tickGuards` every `tickMs` on the leader only (one instance decides; the others would
 * decide the same from the same rows, but twice), each tick after polling the Prometheus sources
 * it will read. A tick still running when the next is due makes that one skip, so ticks never
 * overlap; stop waits for the running one. Nothing it does can throw out of the timer. Returns
 * the stop function.
 */
export function startGuardLoop(deps: AppDeps, options: GuardLoopOptions = {}): () => Promise<void> {
  const opts = loopOptions(options);
  let stopped = false;
  const stop = startLoop(opts.tickMs, async () => {
    if (!deps.leader.isLeader()) return;
    try {
      const readings = await pollSources(deps, deps.clock.now());
      if (!stopped) await tickGuards(deps, deps.clock.now(), options, readings);
    } catch (error) {
      deps.log("guard loop: the tick failed", error);
    }
  });
  return async () => {
    stopped = true;
    await stop();
  };
}
