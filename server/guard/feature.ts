import type { Feature } from "../kernel/feature.js";
import { startGuardLoop } from "./guard-loop.js";
import type { GuardLoopOptions } from "./guard-options.js";
import { guardRoutes } from "./guard-routes.js";

/**
 * The guard: rules by REST, and the loop that reads each guarded flag's counts (through the
 * metrics feature), decides with the pure statistics of `stats/`, and rolls back through the one
 * change path.
 */
export const guardFeature: Feature<{ tickMs?: number; guard?: GuardLoopOptions }> = {
  name: "guard",
  routes: guardRoutes,
  start: (deps, options) =>
    startGuardLoop(deps, { ...options.guard, tickMs: options.guard?.tickMs ?? options.tickMs }),
};
