// The observability feature's module: what the server may use of it.
export { type ObservabilityOptions, observabilityFeature } from "./feature.js";
export { metricsOf } from "./prometheus.js";
