import type { Feature } from "../features.js";
import type { AppDeps } from "../kernel/deps.js";
import { router } from "../kernel/http/router.js";
import { sdkFlagsRoutes } from "./flag-download-route.js";
import { StreamHub } from "./sdk-stream-hub.js";
import { sdkStreamRoutes } from "./sdk-stream-route.js";

const hubs = new WeakMap<AppDeps, StreamHub>();

/** The stream hub of one server (one set of deps); made on first use. */
export function streamHubOf(deps: AppDeps): StreamHub {
  const hub = hubs.get(deps) ?? new StreamHub(deps);
  hubs.set(deps, hub);
  return hub;
}

/** Flag download and the SSE stream for server SDKs; the hub's heartbeat runs while started. */
export const streamFeature: Feature = {
  name: "stream",
  routes: (deps) => {
    const hub = streamHubOf(deps);
    return router().route("/", sdkFlagsRoutes(deps, hub)).route("/", sdkStreamRoutes(deps, hub));
  },
  start: (deps, options) => streamHubOf(deps).start(options.stream),
};
