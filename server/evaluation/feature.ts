import type { Feature } from "../features.js";
import type { AppDeps } from "../kernel/deps.js";
import { ClientStreamHub } from "../streaming/client-stream-hub.js";
import { clientApiRoutes } from "./client-routes.js";

const hubs = new WeakMap<AppDeps, ClientStreamHub>();

/** The browsers' stream hub of one server (one set of deps); made on first use. */
export function clientStreamHubOf(deps: AppDeps): ClientStreamHub {
  const hub = hubs.get(deps) ?? new ClientStreamHub(deps);
  hubs.set(deps, hub);
  return hub;
}

/** The client API (evaluate, stream); the stream's heartbeat runs while started. */
export const clientApiFeature: Feature = {
  name: "client-api",
  routes: (deps) => clientApiRoutes(deps, clientStreamHubOf(deps)),
  start: (deps, options) => clientStreamHubOf(deps).start(options.stream),
};
