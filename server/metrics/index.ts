export * from "./arm-counts.js";
export * from "./bucket.js";
export { type MetricsOptions, metricsFeature } from "./feature.js";
export * from "./ingest.js";
export * from "./prometheus-source/index.js";
export * from "./prune.js";
export { type ReportStats, reportStatsOf } from "./report-stats.js";
export * from "./totals.js";
