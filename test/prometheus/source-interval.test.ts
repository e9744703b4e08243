import { describe, expect, it } from "vitest";
import {
  PrometheusSourceSchema,
  type Sample,
  type SourceReading,
  sourceInterval,
} from "../../server/metrics/index.js";

// The conversion of Prometheus's cumulative counters into the guard's per-interval arm counts,
// as a pure function of (source, reading, cursor): every rule of docs/guard.md's Prometheus part.

const source = PrometheusSourceSchema.parse({
  kind: "prometheus",
  url: "http://prometheus:9090",
  queries: { exposures: "sum by (arm)(req_total)", failures: "sum by (arm)(fail_total)" },
});
const latencySource = PrometheusSourceSchema.parse({
  kind: "prometheus",
  url: "http://prometheus:9090",
  queries: { exposures: "sum by (arm)(req_total)", latency: "sum by (arm, le)(dur_bucket)" },
});

const s = (labels: Record<string, string>, value: number): Sample => ({ labels, value });
const ok = (series: Sample[]) => ({ ok: true as const, series });
const arms = (t: number, c: number) => [s({ arm: "treatment" }, t), s({ arm: "control" }, c)];

function reading(at: number, exposures: Sample[], failures: Sample[] = []): SourceReading {
  return { at, results: { exposures: ok(exposures), failures: ok(failures) } };
}
const opts = { requireControl: true, now: 0 };

describe("sourceInterval: cumulative counters to per-interval counts", () => {
  it("takes a baseline first, then the differences per arm", () => {
    const first = sourceInterval(source, reading(1000, arms(100, 400), arms(1, 2)), undefined, opts);
    expect(first.status.state).toBe("ok");
    expect(first.status.detail).toMatch(/baseline/);
    expect(first.counts?.treatment.exposures).toBe(0);
    const second = sourceInterval(source, reading(2000, arms(150, 600), arms(3, 2)), first.cursor, opts);
    expect(second.status).toMatchObject({ state: "ok", at: 2000 });
    expect(second.counts?.treatment).toMatchObject({ exposures: 50, failures: 2 });
    expect(second.counts?.control).toMatchObject({ exposures: 200, failures: 0 });
  });

  it("sums the series of an arm (say, per instance) and ignores other arm values", () => {
    const inst = (arm: string, instance: string, v: number) => s({ arm, instance }, v);
    const a = sourceInterval(
      source,
      reading(1, [
        inst("treatment", "a", 10),
        inst("treatment", "b", 20),
        inst("control", "a", 5),
        inst("other", "a", 9),
      ]),
      undefined,
      opts,
    );
    const b = sourceInterval(
      source,
      reading(2, [
        inst("treatment", "a", 13),
        inst("treatment", "b", 24),
        inst("control", "a", 6),
        inst("other", "a", 99),
      ]),
      a.cursor,
      opts,
    );
    expect(b.counts?.treatment.exposures).toBe(7);
    expect(b.counts?.control.exposures).toBe(1);
  });

  it("a counter reset skips the interval (nothing invented) and re-baselines", () => {
    const a = sourceInterval(source, reading(1, arms(1000, 4000), arms(10, 40)), undefined, opts);
    const reset = sourceInterval(source, reading(2, arms(30, 4100), arms(25, 41)), a.cursor, opts);
    expect(reset.status.state).toBe("ok");
    expect(reset.status.detail).toMatch(/counter reset in exposures .*1000 → 30.*skipped/);
    expect(reset.counts?.treatment).toMatchObject({ exposures: 0, failures: 0 });
    expect(reset.counts?.control).toMatchObject({ exposures: 0, failures: 0 });
    const next = sourceInterval(source, reading(3, arms(50, 4200), arms(26, 41)), reset.cursor, opts);
    expect(next.counts?.treatment).toMatchObject({ exposures: 20, failures: 1 });
  });

  it("a series born after the baseline counts from 0; one that vanished and returns is not counted twice", () => {
    const a = sourceInterval(source, reading(1, arms(100, 100), [s({ arm: "control" }, 3)]), undefined, opts);
    expect(a.status.detail).not.toMatch(/no series/);
    // Treatment's failures series appears (its first failures): all of them count.
    const b = sourceInterval(source, reading(2, arms(110, 110), arms(4, 3)), a.cursor, opts);
    expect(b.counts?.treatment.failures).toBe(4);
    // Treatment's failures vanish for a scrape, then return at the same value: no new failures.
    const c = sourceInterval(source, reading(3, arms(120, 120), [s({ arm: "control" }, 3)]), b.cursor, opts);
    const d = sourceInterval(source, reading(4, arms(130, 130), arms(4, 3)), c.cursor, opts);
    expect(d.counts?.treatment.failures).toBe(0);
  });

  it("between scrapes nothing changes: `unchanged`, not an empty interval; too long unchanged is no data", () => {
    const a = sourceInterval(source, reading(0, arms(10, 10), arms(1, 1)), undefined, opts);
    const same = sourceInterval(source, reading(5_000, arms(10, 10), arms(1, 1)), a.cursor, opts);
    expect(same.unchanged).toBe(true);
    expect(same.status).toMatchObject({ state: "ok" });
    const moved = sourceInterval(source, reading(60_000, arms(20, 20), arms(1, 1)), same.cursor, opts);
    expect(moved.unchanged).toBeUndefined();
    expect(moved.counts?.treatment.exposures).toBe(10);
    // From the last change (60 s), staleAfterMs (120 s by default) without any: no data.
    const still = sourceInterval(source, reading(179_000, arms(20, 20), arms(1, 1)), moved.cursor, opts);
    expect(still.unchanged).toBe(true);
    const stale = sourceInterval(source, reading(180_000, arms(20, 20), arms(1, 1)), still.cursor, opts);
    expect(stale.status.state).toBe("no_data");
    expect(stale.status.detail).toMatch(/no new samples for 120 s/);
  });

  it("a failures query without series reads as 0 failures, and says so", () => {
    const a = sourceInterval(source, reading(1, arms(1, 1)), undefined, opts);
    const b = sourceInterval(source, reading(2, arms(5, 9)), a.cursor, opts);
    expect(b.counts?.treatment).toMatchObject({ exposures: 4, failures: 0 });
    expect(b.status.detail).toMatch(/failures: no series, read as 0/);
  });

  it("no data: the exposures query returned nothing; the cursor stays", () => {
    const a = sourceInterval(source, reading(1, arms(1, 1)), undefined, opts);
    const b = sourceInterval(source, reading(2, []), a.cursor, opts);
    expect(b.status.state).toBe("no_data");
    expect(b.counts).toBeUndefined();
    expect(b.cursor).toBe(a.cursor);
  });

  it("query failed: any query's error, and a tick without a reading", () => {
    const failed = sourceInterval(
      source,
      { at: 5, results: { exposures: ok(arms(1, 1)), failures: { ok: false, error: "timed out" } } },
      undefined,
      opts,
    );
    expect(failed.status).toMatchObject({ state: "query_failed", detail: "failures: timed out" });
    expect(failed.counts).toBeUndefined();
    expect(sourceInterval(source, undefined, undefined, opts).status.state).toBe("query_failed");
  });

  it("arm label missing: an unlabelled series, or the treatment (or required control) value absent", () => {
    const unlabelled = sourceInterval(source, reading(1, [s({}, 10)]), undefined, opts);
    expect(unlabelled.status.state).toBe("arm_label_missing");
    expect(unlabelled.status.detail).toMatch(/sum by \(arm\)/);
    const onlyControl = sourceInterval(source, reading(1, [s({ arm: "control" }, 10)]), undefined, opts);
    expect(onlyControl.status.state).toBe("arm_label_missing");
    expect(onlyControl.status.detail).toMatch(/arm="treatment"/);
    // An absolute rule does not need control's series.
    const onlyTreatment = sourceInterval(source, reading(1, [s({ arm: "treatment" }, 10)]), undefined, {
      requireControl: false,
      now: 0,
    });
    expect(onlyTreatment.status.state).toBe("ok");
    const relative = sourceInterval(source, reading(1, [s({ arm: "treatment" }, 10)]), undefined, opts);
    expect(relative.status.detail).toMatch(/arm="control"/);
  });

  it("latency: `le` buckets in seconds become the guard's buckets; other bounds land on the fast side", () => {
    const hist = (arm: string, byLe: Record<string, number>) =>
      Object.entries(byLe).map(([le, v]) => s({ arm, le }, v));
    const at = (t: number, latency: Sample[]): SourceReading => ({
      at: t,
      results: { exposures: ok(arms(0, 0)), latency: ok(latency) },
    });
    const a = sourceInterval(
      latencySource,
      at(1, [
        ...hist("treatment", { "0.5": 0, "0.75": 0, "+Inf": 0 }),
        ...hist("control", { "0.45": 0, "+Inf": 0 }),
      ]),
      undefined,
      opts,
    );
    const b = sourceInterval(
      latencySource,
      at(2, [
        ...hist("treatment", { "0.5": 10, "0.75": 15, "+Inf": 18 }),
        ...hist("control", { "0.45": 7, "+Inf": 9 }),
      ]),
      a.cursor,
      opts,
    );
    const t = b.counts!.treatment.latency;
    // (0, 500] ms → the first bucket above 0 (1 ms): samples taken at their fastest.
    expect(t[0]).toBe(10);
    // (500, 750] ms → the guard's (500, 750] bucket exactly; (750, ∞) → (750, 1000].
    expect(t[10]).toBe(5);
    expect(t[11]).toBe(3);
    const c = b.counts!.control.latency;
    // (450, ∞) ms: 450 is inside (300, 500], so its samples go there, never counted as over 500.
    expect(c[0]).toBe(7);
    expect(c[9]).toBe(2);
    expect(c.reduce((x, y) => x + y, 0)).toBe(9);
  });

  it("latency: series without a numeric `le` are a failed query, not counts", () => {
    const r = sourceInterval(
      latencySource,
      { at: 1, results: { exposures: ok(arms(1, 1)), latency: ok(arms(1, 1)) } },
      undefined,
      opts,
    );
    expect(r.status.state).toBe("query_failed");
    expect(r.status.detail).toMatch(/le/);
  });
});
