import { browserAccess } from "../kernel/auth/client-access.js";
import type { AppDeps } from "../kernel/deps.js";
import type { Feature } from "../kernel/feature.js";
import { router } from "../kernel/http/router.js";
import { AdminStreamHub } from "./admin-stream-hub.js";
import { adminStreamRoutes } from "./admin-stream-route.js";
import { ClientStreamHub } from "./client-stream-hub.js";
import { clientStreamRoute } from "./client-stream-route.js";
import { sdkFlagsRoutes } from "./flag-download-route.js";
import { OfrepEventHub } from "./ofrep-event-hub.js";
import { ofrepEventRoutes } from "./ofrep-event-route.js";
import { StreamHub, type StreamOptions } from "./sdk-stream-hub.js";
import { sdkStreamRoutes } from "./sdk-stream-route.js";
import type { StreamStats } from "./stream-registry.js";
import { STREAM_TICKET_PATH, streamTicketRoute } from "./stream-ticket-route.js";

const sdkHubs = new WeakMap<AppDeps, StreamHub>();
const clientHubs = new WeakMap<AppDeps, ClientStreamHub>();
const adminHubs = new WeakMap<AppDeps, AdminStreamHub>();
const ofrepHubs = new WeakMap<AppDeps, OfrepEventHub>();

/** The server SDKs' stream hub of one server (one set of deps); made on first use. */
export function streamHubOf(deps: AppDeps): StreamHub {
  const hub = sdkHubs.get(deps) ?? new StreamHub(deps);
  sdkHubs.set(deps, hub);
  return hub;
}

/** The browsers' stream hub of one server (one set of deps); made on first use. */
export function clientStreamHubOf(deps: AppDeps): ClientStreamHub {
  const hub = clientHubs.get(deps) ?? new ClientStreamHub(deps);
  clientHubs.set(deps, hub);
  return hub;
}

/** The dashboard's stream hub (audit events, live) of one server; made on first use. */
export function adminStreamHubOf(deps: AppDeps): AdminStreamHub {
  const hub = adminHubs.get(deps) ?? new AdminStreamHub(deps);
  adminHubs.set(deps, hub);
  return hub;
}

/** OFREP providers' change notifications of one server; made on first use. */
export function ofrepEventHubOf(deps: AppDeps): OfrepEventHub {
  const hub = ofrepHubs.get(deps) ?? new OfrepEventHub(deps);
  ofrepHubs.set(deps, hub);
  return hub;
}

/**
 * The kinds of stream a server holds: server SDKs, browsers, dashboards (`/api/admin/stream`) and
 * OFREP providers' change notifications (`/ofrep/v1/events`).
 */
export const STREAM_KINDS = ["sdk", "browser", "admin", "ofrep"] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

/** Each kind's open, opened and closed counts now: one read for `/metrics` and the stream log line. */
export function streamStats(deps: AppDeps): Record<StreamKind, StreamStats> {
  return {
    sdk: streamHubOf(deps).stats(),
    browser: clientStreamHubOf(deps).stats(),
    admin: adminStreamHubOf(deps).stats(),
    ofrep: ofrepEventHubOf(deps).stats(),
  };
}

/**
 * Flag sets out to the SDKs: the download (`/api/sdk/flags`), the server SDKs' SSE stream and the
 * browsers' SSE stream of evaluated values, and the dashboard's stream of committed audit events
 * (`/api/admin/stream`), and OFREP's change notifications (`/ofrep/v1/events`). The hubs follow the bus; their heartbeats run while started.
 */
export const streamingFeature: Feature<{ stream?: StreamOptions }> = {
  name: "streaming",
  routes: (deps) => {
    const hub = streamHubOf(deps);
    const app = router().route("/", sdkFlagsRoutes(deps, hub)).route("/", sdkStreamRoutes(deps, hub));
    // EventSource cannot send headers: the browsers' stream takes a short-lived `?ticket=`
    // (or, deprecated, the token itself as `?token=`, which proxies log).
    app.use("/api/client/stream", ...browserAccess(deps, { allowQuery: true, allowTicket: true }));
    app.use(STREAM_TICKET_PATH, ...browserAccess(deps));
    streamTicketRoute(app, deps);
    clientStreamRoute(app, clientStreamHubOf(deps));
    app.route("/", adminStreamRoutes(deps, adminStreamHubOf(deps)));
    app.route("/", ofrepEventRoutes(deps, ofrepEventHubOf(deps)));
    return app;
  },
  start: (deps, options) => {
    const stopSdk = streamHubOf(deps).start(options.stream);
    const stopClient = clientStreamHubOf(deps).start(options.stream);
    const stopAdmin = adminStreamHubOf(deps).start(options.stream);
    const stopOfrep = ofrepEventHubOf(deps).start(options.stream);
    return () => {
      stopSdk();
      stopClient();
      stopAdmin();
      stopOfrep();
    };
  },
};
