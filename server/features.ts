import { type DashboardOptions, dashboardFeature } from "./dashboard/index.js";
import { evaluationFeature } from "./evaluation/index.js";
import { type AuditRetentionOptions, flagsFeature, type LifecycleOptions } from "./flags/index.js";
import { type GuardLoopOptions, guardFeature } from "./guard/index.js";
import { healthFeature } from "./health/index.js";
import { importsFeature } from "./imports/index.js";
import type { Feature } from "./kernel/feature.js";
import type { MetricsOptions } from "./metrics/index.js";
import { metricsFeature } from "./metrics/index.js";
import { type ObservabilityOptions, observabilityFeature } from "./observability/index.js";
import { rolloutPlansFeature } from "./plans/index.js";
import { type StreamOptions, streamingFeature } from "./streaming/index.js";
import { type WebhookOptions, webhooksFeature } from "./webhooks/index.js";

/** Every feature's own settings, as the server takes them (tests shorten the times). */
export interface FeatureOptions {
  /** Milliseconds between guard and plan ticks (default 5 s). */
  tickMs?: number;
  /** SSE heartbeat, retry hint and per-connection backlog limit. */
  stream?: StreamOptions;
  /** Guard loop tuning (no-data hold, split settling). */
  guard?: GuardLoopOptions;
  /** Metric buckets' retention and pruning. */
  metrics?: MetricsOptions;
  /** Webhook delivery (fetch, retries, back-off). */
  webhooks?: WebhookOptions;
  /** The metrics token, and how often stream connects and drops are logged. */
  observability?: ObservabilityOptions;
  /** How long audit events are kept (default: for ever). */
  audit?: AuditRetentionOptions;
  /** Stale marks (days without evaluation) and how often flag usage is recorded. */
  lifecycle?: LifecycleOptions;
  /** Where the built dashboard is served from. */
  dashboard?: DashboardOptions;
}

/**
 * The features the server runs, in mount order (and the order their listeners wrap). The server is
 * these and the kernel: nothing else mounts routes, wraps the listener or starts background work.
 */
export const features: Feature<FeatureOptions>[] = [
  healthFeature,
  flagsFeature,
  evaluationFeature,
  streamingFeature,
  metricsFeature,
  guardFeature,
  rolloutPlansFeature,
  webhooksFeature,
  importsFeature,
  // After every API route: it serves only `/`, `/index.html` and `/assets/*`.
  dashboardFeature,
  // Last: it only listens, and its request metrics wrap every other listener.
  observabilityFeature,
];
