import type { RequestListener, ServerResponse } from "node:http";
import type { RollguardMetrics } from "./prometheus.js";

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
  return (req, res) => {
    const started = performance.now();
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    res.once("finish", () => record(metrics, routeOf(method, url), method, res, started));
    next(req, res);
  };
}

function record(
  metrics: RollguardMetrics,
  route: string,
  method: string,
  res: ServerResponse,
  started: number,
) {
  metrics.httpRequests.inc({ method, route, status: String(res.statusCode) });
  const type = res.getHeader("content-type");
  if (typeof type === "string" && type.startsWith("text/event-stream")) return;
  metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
}
