import type { RequestListener, ServerResponse } from "node:http";
import type { RollguardMetrics } from "./prometheus.js";

interface Measured {
  metrics: RollguardMetrics;
  routeOf: (method: string, url: string) => string;
}

// Stashed on the response itself: one shared listener and two properties per request, instead
// of a closure (and `once`'s wrapper) per request on the busiest routes.
const CONTEXT = Symbol("rollguard.requestMetrics");
const STARTED = Symbol("rollguard.requestStarted");
type MeasuredResponse = ServerResponse & { [CONTEXT]?: Measured; [STARTED]?: number };

/**
 * Counts every answered request and times it, around the whole `node:http` listener: the Hono
 * app and the evaluate lane in front of it alike, so no route escapes its metrics. Event streams
 * are counted but not timed (their "duration" is the connection's life).
 */
export function measureRequests(
  metrics: RollguardMetrics,
  routeOf: (method: string, url: string) => string,
  next: RequestListener,
): RequestListener {
  const context: Measured = { metrics, routeOf };
  return (req, res) => {
    const measured = res as MeasuredResponse;
    measured[CONTEXT] = context;
    measured[STARTED] = performance.now();
    res.on("finish", record);
    next(req, res);
  };
}

function record(this: MeasuredResponse): void {
  const { metrics, routeOf } = this[CONTEXT]!;
  const method = this.req.method ?? "GET";
  const route = routeOf(method, this.req.url ?? "/");
  metrics.httpRequests.inc({ method, route, status: String(this.statusCode) });
  const type = this.getHeader("content-type");
  if (typeof type === "string" && type.startsWith("text/event-stream")) return;
  metrics.httpDuration.observe({ method, route }, (performance.now() - this[STARTED]!) / 1000);
}
