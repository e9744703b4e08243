// The guard feature's module: what other features and the server may use of it.
export { guardFeature } from "./feature.js";
export { type GuardLoopOptions, loopOptions } from "./guard-options.js";
export { type GuardSummary, guardSummaries } from "./guard-summaries.js";
export { type GuardTickResult, tickGuards } from "./guard-tick.js";
export { type GuardVerdict, guardVerdict } from "./guard-verdict.js";
export { GUARD_ACTOR } from "./record-outcome.js";
