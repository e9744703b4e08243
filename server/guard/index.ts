export * from "./evaluate-run.js";
export { guardFeature } from "./feature.js";
export * from "./guard-loop.js";
export * from "./guard-options.js";
export * from "./guard-tick.js";
export { GUARD_ACTOR } from "./record-outcome.js";
