import type uPlot from "uplot";
import type { GuardRule } from "../api-types";
import { num } from "../format";
import { eValueNumber, type GuardPoint, rate } from "../guard-points";
import { UPlotChart } from "./uplot-chart";

const TREATMENT = "#1d4ed8";
const CONTROL = "#64748b";
const DANGER = "#b91c1c";
const WARN = "#b45309";

const axisStyle = { stroke: "#475569", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#cbd5e1" } };
const timeAxis: uPlot.Axis = { ...axisStyle };
/** Labels only: the numbers are in the evidence table, and a cursor readout adds noise. */
const LEGEND: uPlot.Legend = { live: false };
const NO_POINTS = { show: false };
/** With one point uPlot would span years; show the last minute around it instead. */
const X_SCALE: uPlot.Scale = {
  time: true,
  range: (_u, min, max) => (max - min < 5 ? [max - 60, max + 5] : [min, max]),
};

function col<T>(points: GuardPoint[], ruleIndex: number, pick: (p: GuardPoint["rules"][number]) => T) {
  return points.map((p) => {
    const r = p.rules[ruleIndex];
    return r ? pick(r) : null;
  }) as (number | null)[];
}

/**
 * The evidence of one rule over time, as the dashboard saw it: exposures and failure rate per
 * arm; the e-value on a log axis against its rollback and warning thresholds; θ with its interval.
 */
export function GuardChart({
  points,
  ruleIndex,
  rule,
}: {
  points: GuardPoint[];
  ruleIndex: number;
  rule: GuardRule;
}) {
  const t = points.map((p) => p.t);
  const last = points[points.length - 1]?.rules[ruleIndex];
  const key = `${ruleIndex}`;

  const armsData: uPlot.AlignedData = [
    t,
    col(points, ruleIndex, (r) => r.counts?.treatment.exposures ?? null),
    col(points, ruleIndex, (r) => r.counts?.control.exposures ?? null),
    col(points, ruleIndex, (r) => (r.metric ? rate(r.metric.treatment.e, r.metric.treatment.n) : null)),
    col(points, ruleIndex, (r) => (r.metric ? rate(r.metric.control.e, r.metric.control.n) : null)),
  ];
  const armsOpts: Omit<uPlot.Options, "width" | "height"> = {
    legend: LEGEND,
    scales: {
      x: X_SCALE,
      n: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      "%": { range: (_u, _min, max) => [0, Math.max(0.1, max * 1.2)] },
    },
    axes: [
      timeAxis,
      { ...axisStyle, scale: "n", label: "exposures", size: 60 },
      { ...axisStyle, scale: "%", side: 1, label: "failure rate %", grid: { show: false }, size: 60 },
    ],
    series: [
      {},
      { label: "treatment exposures", scale: "n", stroke: TREATMENT, width: 2 },
      { label: "control exposures", scale: "n", stroke: CONTROL, width: 2 },
      {
        label: "treatment failure %",
        scale: "%",
        stroke: TREATMENT,
        dash: [6, 4],
        width: 2,
        value: (_u, v) => (v == null ? "–" : `${num(v)}%`),
      },
      {
        label: "control failure %",
        scale: "%",
        stroke: CONTROL,
        dash: [6, 4],
        width: 2,
        value: (_u, v) => (v == null ? "–" : `${num(v)}%`),
      },
    ],
  };

  const eData: uPlot.AlignedData = [
    t,
    col(points, ruleIndex, (r) => eValueNumber(r.eValue)),
    col(points, ruleIndex, (r) => r.rollbackAt),
    col(points, ruleIndex, (r) => r.warnAt),
  ];
  const eOpts: Omit<uPlot.Options, "width" | "height"> = {
    legend: LEGEND,
    scales: { x: X_SCALE, e: { distr: 3, log: 10 } },
    axes: [timeAxis, { ...axisStyle, scale: "e", label: "e-value", size: 60 }],
    series: [
      {},
      { label: "e-value", scale: "e", stroke: TREATMENT, width: 2, value: (_u, v) => num(v) },
      {
        label: rule.action === "notify" ? "notify at" : "roll back at",
        scale: "e",
        stroke: DANGER,
        dash: [4, 4],
        width: 1.5,
      },
      { label: "warn at", scale: "e", stroke: WARN, dash: [2, 4], width: 1.5, points: NO_POINTS },
    ],
  };

  const hasRatio = points.some((p) => p.rules[ruleIndex]?.ratio);
  const tolerance = rule.kind === "relative" ? rule.tolerance : null;
  const thetaData: uPlot.AlignedData = [
    t,
    col(points, ruleIndex, (r) => r.ratio?.estimate ?? null),
    col(points, ruleIndex, (r) => r.ratio?.lower ?? null),
    col(points, ruleIndex, (r) => r.ratio?.upper ?? null),
    t.map(() => tolerance),
  ];
  const thetaOpts: Omit<uPlot.Options, "width" | "height"> = {
    legend: LEGEND,
    scales: {
      x: X_SCALE,
      θ: {
        range: (_u, min, max) => [Math.max(0, Math.min(min, 0.5)), Math.max(max, (tolerance ?? 1) * 1.5)],
      },
    },
    axes: [timeAxis, { ...axisStyle, scale: "θ", label: "θ (treatment / control)", size: 60 }],
    series: [
      {},
      { label: "θ", scale: "θ", stroke: TREATMENT, width: 2, value: (_u, v) => num(v) },
      {
        label: "95% lower",
        scale: "θ",
        stroke: "#93c5fd",
        width: 1,
        value: (_u, v) => num(v),
        points: NO_POINTS,
      },
      {
        label: "95% upper",
        scale: "θ",
        stroke: "#93c5fd",
        width: 1,
        value: (_u, v) => num(v),
        points: NO_POINTS,
      },
      { label: "tolerance", scale: "θ", stroke: DANGER, dash: [4, 4], width: 1.5, points: NO_POINTS },
    ],
    bands: [{ series: [3, 2], fill: "rgba(59,130,246,0.12)" }],
  };

  return (
    <div class="charts" data-testid="guard-chart">
      <figure>
        <figcaption>Exposures and failure rate per arm</figcaption>
        <UPlotChart
          optsKey={`arms-${key}`}
          options={armsOpts}
          data={armsData}
          label={`Exposures per arm: treatment ${last?.counts?.treatment.exposures ?? 0}, control ${last?.counts?.control.exposures ?? 0}`}
        />
      </figure>
      <figure>
        <figcaption>E-value against its threshold (log scale)</figcaption>
        <UPlotChart
          optsKey={`e-${key}`}
          options={eOpts}
          data={eData}
          label={`E-value ${num(eValueNumber(last?.eValue ?? null))}, rolls back at ${num(last?.rollbackAt ?? null)}`}
        />
      </figure>
      {hasRatio && (
        <figure>
          <figcaption>θ = treatment rate / control rate, with its 95% interval</figcaption>
          <UPlotChart
            optsKey={`theta-${key}`}
            options={thetaOpts}
            data={thetaData}
            label={`θ ${num(last?.ratio?.estimate ?? null)} (95% interval ${num(last?.ratio?.lower ?? null)} to ${num(last?.ratio?.upper ?? null)})`}
          />
        </figure>
      )}
    </div>
  );
}
