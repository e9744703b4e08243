// The Prometheus source of guard counts: the metrics feature's other way in (besides SDK reports).
export { type InstantResult, instantQuery, type Sample } from "./instant-query.js";
export { readPrometheusSource, type SourceReading } from "./read-source.js";
export {
  type SourceCursor,
  type SourceInterval,
  type SourceState,
  type SourceStatus,
  sourceInterval,
} from "./source-interval.js";
export {
  type PrometheusSource,
  type PrometheusSourceInput,
  PrometheusSourceSchema,
  sourceKey,
} from "./source-schema.js";
