import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS } from "../../sdk/core/latency-buckets.js";
import { createMetricsRecorder } from "../../sdk/core/metrics-recorder.js";
import {
  METRICS_MAX_CUSTOM,
  METRICS_MAX_ENTRIES,
  type MetricsReport,
} from "../../sdk/core/metrics-report.js";
import { MetricsReportSchema } from "../../server/metrics/metrics-schemas.js";
import { mulberry32, randomInt } from "../helpers/prng.js";

/** The report the server would accept: anything else here would be a 400 and lose the interval. */
function valid(report: MetricsReport | undefined): MetricsReport {
  expect(report).toBeDefined();
  const parsed = MetricsReportSchema.safeParse(report);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  return report!;
}

const byKey = (r: MetricsReport) => Object.fromEntries(r.counts.map((c) => [`${c.flagKey}/${c.arm}`, c]));

describe("the metrics recorder (sdk/core/metrics-recorder.ts)", () => {
  it("counts exposures and failures per flag and arm, as one report, then starts over", () => {
    const r = createMetricsRecorder("test/1", 1_000);
    for (let i = 0; i < 10; i++) r.observe("new-checkout", "treatment", i % 5 !== 0);
    for (let i = 0; i < 90; i++) r.observe("new-checkout", "control", i !== 0);
    r.observe("search", "control", true);
    const report = valid(r.take(11_000));
    expect(report).toMatchObject({ sdk: "test/1", intervalStart: 1_000, intervalEnd: 11_000 });
    expect(byKey(report)).toEqual({
      "new-checkout/treatment": { flagKey: "new-checkout", arm: "treatment", exposures: 10, failures: 2 },
      "new-checkout/control": { flagKey: "new-checkout", arm: "control", exposures: 90, failures: 1 },
      "search/control": { flagKey: "search", arm: "control", exposures: 1, failures: 0 },
    });
    // Deltas: the next interval starts empty, where the last one ended.
    expect(r.take(21_000)).toBeUndefined();
    r.observe("search", "treatment", false);
    expect(valid(r.take(31_000))).toMatchObject({
      intervalStart: 21_000,
      intervalEnd: 31_000,
      counts: [{ flagKey: "search", arm: "treatment", exposures: 1, failures: 1 }],
    });
  });

  it("puts durations in the fixed buckets (upper bounds inclusive), 16 counts, none without durations", () => {
    const r = createMetricsRecorder("test/1", 0);
    const durations = [0, 0.5, 1, 1.0001, 2, 4.9, 5, 10, 499, 500, 501, 10_000, 10_001, 1e9, Infinity];
    for (const ms of durations) r.observe("slow", "treatment", true, ms);
    // Unusable durations still count the exposure, not a latency.
    for (const ms of [Number.NaN, -1, undefined]) r.observe("slow", "treatment", true, ms);
    r.observe("fast", "control", true);
    const report = valid(r.take(1));
    const slow = byKey(report)["slow/treatment"]!;
    expect(slow.exposures).toBe(durations.length + 3);
    expect(slow.latency).toHaveLength(LATENCY_BUCKETS_MS.length);
    const expected = new Array(LATENCY_BUCKETS_MS.length).fill(0);
    for (const bucket of [0, 0, 0, 1, 1, 2, 2, 3, 9, 9, 10, 14, 15, 15, 15]) expected[bucket]++;
    expect(slow.latency).toEqual(expected);
    expect(byKey(report)["fast/control"]).not.toHaveProperty("latency");
  });

  it("sums custom metrics per name (count and sum), refuses unusable names and values", () => {
    const r = createMetricsRecorder("test/1", 0);
    for (let i = 0; i < 40; i++)
      expect(r.track("new-checkout", "treatment", "payment_failed", i % 4 === 0 ? 1 : 0)).toBe(true);
    r.track("new-checkout", "treatment", "basket.value:eur", 12.5);
    r.track("new-checkout", "treatment", "basket.value:eur", 7.25);
    r.track("new-checkout", "control", "payment_failed", 0);
    r.track("new-checkout", "control", "__proto__", 1);
    for (const [name, value] of [
      ["", 1],
      ["has space", 1],
      ["x".repeat(65), 1],
      [42, 1],
      ["ok", Number.NaN],
      ["ok", Infinity],
      ["ok", "1"],
    ] as Array<[string, number]>)
      expect(r.track("new-checkout", "treatment", name, value)).toBe(false);
    expect(r.dropped).toBe(0); // refused input is not "dropped for lack of room"
    const report = valid(r.take(1));
    const t = byKey(report)["new-checkout/treatment"]!;
    // Custom metrics alone are not exposures.
    expect(t).toMatchObject({ exposures: 0, failures: 0 });
    expect({ ...t.custom }).toEqual({
      payment_failed: { count: 40, sum: 10 },
      "basket.value:eur": { count: 2, sum: 19.75 },
    });
    const c = byKey(report)["new-checkout/control"]!;
    expect(Object.keys(c.custom!).sort()).toEqual(["__proto__", "payment_failed"]);
    expect(JSON.stringify(report)).toContain('"__proto__":{"count":1,"sum":1}');
  });

  it(`keeps at most ${METRICS_MAX_CUSTOM} custom metrics per entry and never a sum of ±Infinity`, () => {
    const r = createMetricsRecorder("test/1", 0);
    for (let i = 0; i < METRICS_MAX_CUSTOM + 5; i++) r.track("f", "treatment", `m${i}`, 1);
    r.track("f", "treatment", "m0", Number.MAX_VALUE);
    expect(r.track("f", "treatment", "m0", Number.MAX_VALUE)).toBe(false);
    expect(r.dropped).toBe(6);
    const report = valid(r.take(1));
    expect(Object.keys(report.counts[0]!.custom!)).toHaveLength(METRICS_MAX_CUSTOM);
  });

  it(`memory is bounded: at most ${METRICS_MAX_ENTRIES} (flag, arm) entries per interval, the rest dropped and counted`, () => {
    const r = createMetricsRecorder("test/1", 0);
    const random = mulberry32(5);
    // A million outcomes over 5,000 flags × 2 arms, with durations and a custom metric.
    let recorded = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const flag = `flag-${randomInt(random, 5000)}`;
      const arm = random() < 0.5 ? "treatment" : "control";
      if (r.observe(flag, arm, random() > 0.01, random() * 300)) recorded++;
      if (i % 10 === 0) r.track(flag, arm, "bad", 1);
    }
    const report = valid(r.take(1));
    expect(report.counts).toHaveLength(METRICS_MAX_ENTRIES);
    expect(report.counts.reduce((n, c) => n + c.exposures, 0)).toBe(recorded);
    expect(recorded).toBeGreaterThan(100_000);
    expect(r.dropped).toBeGreaterThan(800_000);
    // The entries that exist keep counting; after take, there is room again.
    r.observe("flag-new", "treatment", true);
    expect(valid(r.take(2)).counts).toHaveLength(1);
  });

  it("an entry already made keeps counting when the bound is reached; the bound is configurable", () => {
    const r = createMetricsRecorder("test/1", 0, 2);
    expect(r.observe("a", "treatment", true)).toBe(true);
    expect(r.observe("a", "control", true)).toBe(true);
    expect(r.observe("b", "treatment", true)).toBe(false);
    expect(r.track("b", "control", "m", 1)).toBe(false);
    expect(r.observe("a", "treatment", false, 3)).toBe(true);
    expect(r.dropped).toBe(2);
    expect(byKey(valid(r.take(1)))["a/treatment"]).toMatchObject({ exposures: 2, failures: 1 });
  });

  it("never throws and records nothing for arms other than treatment and control", () => {
    const r = createMetricsRecorder("test/1", Number.NaN);
    for (const arm of [undefined, null, "", "TREATMENT", 1, {}] as never[]) {
      expect(r.observe("f", arm, true)).toBe(false);
      expect(r.track("f", arm, "m", 1)).toBe(false);
    }
    expect(r.dropped).toBe(0);
    expect(r.take(Number.POSITIVE_INFINITY)).toBeUndefined();
    // A clock gone wrong still yields a report the server accepts.
    r.observe("f", "treatment", true);
    expect(valid(r.take(-5))).toMatchObject({ intervalStart: expect.any(Number), intervalEnd: 0 });
  });
});
