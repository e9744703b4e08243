import type { AppDeps } from "../kernel/deps.js";
import { type GuardLoopOptions, loopOptions } from "./guard-options.js";
import { tickGuards } from "./guard-tick.js";

/** Runs `tickGuards` every `tickMs`. Nothing it does can throw out of the timer. Returns the stop function. */
export function startGuardLoop(deps: AppDeps, options: GuardLoopOptions = {}): () => void {
  const opts = loopOptions(options);
  const tick = () => {
    try {
      tickGuards(deps, deps.clock.now(), options);
    } catch (error) {
      deps.log("guard loop: the tick failed", error);
    }
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, opts.tickMs);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
