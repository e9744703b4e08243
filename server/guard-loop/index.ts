export * from "./evaluate-run.js";
export { guardFeature } from "./feature.js";
export * from "./loop.js";
export * from "./options.js";
export { GUARD_ACTOR } from "./record-outcome.js";
export * from "./tick.js";
