import { createMetricsRecorder, type MetricsRecorder } from "../core/metrics-recorder.js";
import { METRICS_SDK_PATH, type MetricsCount, type MetricsReport } from "../core/metrics-report.js";
import type { Arm } from "../core/types.js";
import { RollguardError } from "./rollguard-error.js";
import type { TimerHandle, Timers } from "./timers.js";

/** What `client.metricsStats()` answers. Outcomes are observe/wrap calls and track calls. */
export interface MetricsStats {
  /** Outcomes the server accepted. */
  sent: number;
  /**
   * Outcomes given up: beyond 1,000 (flag, arm) entries in one interval, in a report that failed
   * twice or was refused (400, 401, 403, 413), or for flags the server does not know (404).
   */
  dropped: number;
  /** Outcomes counted but not delivered yet (this interval's, and a failed report awaiting its retry). */
  pending: number;
  /** Reports (POSTs) the server accepted. */
  reports: number;
  /** POSTs that failed: no answer, or a status other than 202. */
  failures: number;
}

export interface ReporterOptions {
  url: string;
  token: string;
  fetch: typeof fetch;
  timers: Timers;
  intervalMs: number;
  requestTimeoutMs: number;
  /** Errors go to the client's `error` event; nothing here throws. */
  report: (error: RollguardError) => void;
}

const SDK = "rollguard-node/0.1.0";

function outcomes(counts: readonly MetricsCount[]): number {
  let n = 0;
  for (const c of counts) {
    n += c.exposures;
    if (c.custom) for (const name in c.custom) n += c.custom[name]!.count;
  }
  return n;
}

/**
 * The Node shell around the shared recorder: a flush every `intervalMs` (one POST to
 * `/api/sdk/metrics`, nothing when nothing was recorded), on `close()` a last flush. A report that
 * fails for a reason that may pass (no answer, 5xx, 429) is retried once, with the next flush;
 * one that fails again, or is refused, is dropped and counted. A 404 names flags the server does
 * not know (deleted since): their entries are dropped and the rest sent again at once. At most one
 * report waits for its retry, so memory stays bounded by two intervals' entries.
 */
export class MetricsReporter {
  private readonly recorder: MetricsRecorder;
  private pending: MetricsReport | undefined;
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly stats = { sent: 0, dropped: 0, reports: 0, failures: 0 };
  /** Outcomes recorded in the current interval. */
  private unflushed = 0;

  constructor(private readonly o: ReporterOptions) {
    this.recorder = createMetricsRecorder(SDK, o.timers.now());
    this.schedule();
  }

  observe(flagKey: string, arm: Arm, ok: boolean, durationMs?: number): void {
    if (!this.closed && this.recorder.observe(flagKey, arm, ok, durationMs)) this.unflushed++;
  }

  /** An evaluation by the application: listed in the next report, so the server knows the flag is read. */
  evaluated(flagKey: string): void {
    if (!this.closed) this.recorder.evaluated(flagKey);
  }

  track(flagKey: string, arm: Arm, name: string, value: number): void {
    if (!this.closed && this.recorder.track(flagKey, arm, name, value)) this.unflushed++;
  }

  snapshot(): MetricsStats {
    const waiting = this.pending ? outcomes(this.pending.counts) : 0;
    return {
      ...this.stats,
      dropped: this.stats.dropped + this.recorder.dropped,
      pending: waiting + this.unflushed,
    };
  }

  /** Sends what was counted (and a report awaiting its retry); one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops the timer and sends what is left; a report that fails now gets its one retry at once. */
  async close(): Promise<void> {
    if (this.closed) return this.flushing;
    this.stop();
    await this.flushing;
    await this.flush();
    if (this.pending) await this.flush();
  }

  /** No more recording nor flushing by the timer (after close, or when the token is refused). */
  private stop(): void {
    this.closed = true;
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = undefined;
      void this.flush().finally(() => {
        if (!this.closed) this.schedule();
      });
    }, this.o.intervalMs);
  }

  private async flushOnce(): Promise<void> {
    const retry = this.pending;
    this.pending = undefined;
    const report = this.recorder.take(this.o.timers.now());
    this.unflushed = 0;
    if (retry) {
      const failedAgain = await this.deliver(retry);
      if (failedAgain) this.drop(failedAgain.counts);
    }
    if (report) this.pending = await this.deliver(report);
  }

  private drop(counts: readonly MetricsCount[]): void {
    this.stats.dropped += outcomes(counts);
  }

  /**
   * Sends a report; resolves to what is worth a retry (nothing when it was sent or dropped). A 404
   * drops the entries of the flags it names and sends the rest again, once.
   */
  private async deliver(report: MetricsReport): Promise<MetricsReport | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await this.post(report);
      if (result === "sent") return undefined;
      if (result === "retry") return report;
      if (result === "dropped") break;
      this.drop(report.counts.filter((c) => result.has(c.flagKey)));
      report = { ...report, counts: report.counts.filter((c) => !result.has(c.flagKey)) };
      if (report.counts.length === 0 && !report.evaluated) return undefined;
    }
    this.drop(report.counts);
    return undefined;
  }

  /** One POST: sent, worth a retry, dropped for good, or the flags the server does not know. */
  private async post(report: MetricsReport): Promise<"sent" | "retry" | "dropped" | Set<string>> {
    let res: Response;
    let timer: TimerHandle | undefined;
    try {
      const request = this.o.fetch(this.o.url + METRICS_SDK_PATH, {
        method: "POST",
        headers: { authorization: `Bearer ${this.o.token}`, "content-type": "application/json" },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(this.o.requestTimeoutMs),
      });
      // Also without a fetch that honours the signal, `close()` must not wait forever.
      const late = new Promise<never>((_, reject) => {
        timer = this.o.timers.setTimeout(
          () => reject(new Error(`no answer within ${this.o.requestTimeoutMs} ms`)),
          this.o.requestTimeoutMs,
        );
      });
      res = await Promise.race([request, late]);
    } catch (error) {
      this.stats.failures++;
      this.o.report(RollguardError.from(error, "NETWORK", "metrics report failed"));
      return "retry";
    } finally {
      if (timer !== undefined) this.o.timers.clearTimeout(timer);
    }
    if (res.status === 202) {
      await res.body?.cancel().catch(() => {});
      this.stats.reports++;
      this.stats.sent += outcomes(report.counts);
      return "sent";
    }
    this.stats.failures++;
    const body = await res.json().catch(() => undefined);
    const error = RollguardError.fromStatus(res.status, "metrics report");
    this.o.report(error);
    if (error.fatal) this.stop();
    const unknown = res.status === 404 ? unknownFlags(body) : undefined;
    if (unknown) return unknown;
    return res.status >= 500 || res.status === 408 || res.status === 429 ? "retry" : "dropped";
  }
}

function unknownFlags(body: unknown): Set<string> | undefined {
  const list = (body as { unknownFlags?: unknown } | undefined)?.unknownFlags;
  return Array.isArray(list) && list.length > 0 ? new Set(list.map(String)) : undefined;
}
