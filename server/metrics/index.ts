export * from "./arm-counts.js";
export * from "./bucket.js";
export * from "./ingest.js";
export * from "./prune.js";
export * from "./totals.js";
