import type { RouteGroup } from "./app.js";
import { clientApiFeature } from "./evaluation/index.js";
import { guardFeature } from "./guard/feature.js";
import type { GuardLoopOptions } from "./guard/guard-options.js";
import type { AppDeps } from "./kernel/deps.js";
import { ofrepFeature } from "./ofrep/index.js";
import { rolloutPlansFeature } from "./plans/feature.js";
import { streamFeature } from "./streaming/feature.js";
import type { StreamOptions } from "./streaming/sdk-stream-hub.js";
import type { WebhookOptions } from "./webhooks/dispatcher.js";

/**
 * A part of the server beyond the REST core: its routes and the background work it runs.
 * `start` returns a stop function; both run only in `createServer`, never in `createApp`.
 */
export interface Feature {
  name: string;
  routes?: RouteGroup;
  start?: (deps: AppDeps, options: FeatureOptions) => () => Promise<void> | void;
}

export interface FeatureOptions {
  /** Milliseconds between guard/plan ticks; tests shorten it. */
  tickMs?: number;
  /** SSE heartbeat, retry hint and per-connection backlog limit; tests shorten them. */
  stream?: StreamOptions;
  /** Guard loop tuning (no-data hold, split settling, metrics retention); tests shorten it. */
  guard?: GuardLoopOptions;
  /** Webhook delivery (fetch, retries, back-off); tests inject fetch and shorten the back-off. */
  webhooks?: WebhookOptions;
}

/** The features the server runs, in mount order. */
export const features: Feature[] = [
  streamFeature,
  guardFeature,
  rolloutPlansFeature,
  clientApiFeature,
  ofrepFeature,
];
