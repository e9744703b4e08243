import { createMetricsRecorder } from "../core/metrics-recorder.js";
import { METRICS_CLIENT_PATH, type MetricsReport } from "../core/metrics-report.js";
import type { Arm } from "../core/types.js";

/**
 * The browser shell around the shared recorder (sdk/core/metrics-recorder.ts): a timer armed by
 * the first outcome of an interval (an idle page sends nothing and keeps no timer), and a
 * keepalive POST to `/api/client/metrics`, so a report sent as the page is hidden survives the
 * unload. As in the Node SDK, a report that fails (no answer, 5xx, 429) is retried once with the
 * next flush, then dropped; a 404 names flags the server does not know: the rest is sent again.
 */
export function browserMetrics(post: (path: string, body: string) => Promise<Response>, intervalMs: number) {
  const recorder = createMetricsRecorder("rollguard-browser/0.1.0", Date.now());
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry: MetricsReport | undefined;
  let closed = false;

  function arm() {
    timer ??= setTimeout(flush, intervalMs);
  }

  function send(report: MetricsReport, first: boolean) {
    post(METRICS_CLIENT_PATH, JSON.stringify(report))
      .then(async (res) => {
        if (res.status === 404 && first) {
          const unknown: unknown[] = (await res.json()).unknownFlags ?? [];
          const counts = report.counts.filter((c) => !unknown.includes(c.flagKey));
          if (counts.length > 0) send({ ...report, counts }, false);
        } else if (res.status >= 500 || res.status === 429) throw res.status;
      })
      .catch(() => {
        if (first) {
          retry = report;
          arm();
        }
      });
  }

  function flush() {
    clearTimeout(timer);
    timer = undefined;
    if (retry) send(retry, false);
    retry = undefined;
    const report = recorder.take(Date.now());
    if (report) send(report, true);
  }

  // The recorder refuses anything but a treatment or control arm: outside the rollout, nothing.
  return {
    observe(flagKey: string, side: Arm | undefined, ok: boolean, durationMs?: number) {
      if (!closed && recorder.observe(flagKey, side as Arm, ok, durationMs)) arm();
    },
    track(flagKey: string, side: Arm | undefined, name: string, value: number) {
      if (!closed && recorder.track(flagKey, side as Arm, name, value)) arm();
    },
    flush,
    close() {
      flush();
      closed = true;
    },
  };
}
