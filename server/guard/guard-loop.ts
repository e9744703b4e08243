import type { AppDeps } from "../kernel/deps.js";
import { type GuardLoopOptions, loopOptions } from "./guard-options.js";
import { tickGuards } from "./guard-tick.js";
import { pollSources } from "./poll-sources.js";

/**
 * Runs `tickGuards` every `tickMs`, each tick after polling the Prometheus sources it will read
 * (the polls are the only asynchronous part; the tick itself is one synchronous pass). A tick
 * still polling when the next is due makes that one skip, so ticks never overlap; nothing runs
 * after stop. Nothing it does can throw out of the timer. Returns the stop function.
 */
export function startGuardLoop(deps: AppDeps, options: GuardLoopOptions = {}): () => void {
  const opts = loopOptions(options);
  let busy = false;
  let stopped = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const readings = await pollSources(deps, deps.clock.now());
      if (!stopped) tickGuards(deps, deps.clock.now(), options, readings);
    } catch (error) {
      deps.log("guard loop: the tick failed", error);
    } finally {
      busy = false;
    }
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, opts.tickMs);
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
  };
}
