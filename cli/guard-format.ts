import type { ArmTotals, GuardRule, GuardView, RuleEvidence } from "./api-types.js";
import { onOff, pct, table, time } from "./output.js";

const num = (n: number, digits = 3) => String(Number(n.toPrecision(digits)));

/** A rule in a few words: "error_rate ≤ 1.1× control → rollback". */
export function ruleText(r: GuardRule): string {
  const metric = r.metric === "custom" ? `custom:${r.customMetric}` : r.metric;
  let bound: string;
  if (r.kind === "relative") bound = `≤ ${num(r.tolerance)}× control`;
  else if (r.metric === "latency") bound = `p${num(r.quantile * 100)} ≤ ${r.latencyThresholdMs}ms`;
  else bound = `≤ ${num((r.threshold ?? 0) * 100)}%`;
  return `${metric} ${bound}`;
}

function arm(a: { n: number; e: number } | ArmTotals | undefined): string {
  if (!a) return "-";
  const [bad, all] = "n" in a ? [a.e, a.n] : [a.failures, a.exposures];
  return `${bad}/${all}`;
}

function ratio(e: RuleEvidence): string {
  if (!e.ratio) return "-";
  return `${num(e.ratio.estimate)} [${num(e.ratio.lower)}, ${num(e.ratio.upper)}]`;
}

function eValue(e: RuleEvidence): string {
  if (e.eValue === null) return "-";
  return typeof e.eValue === "string" ? e.eValue : num(e.eValue);
}

const SOURCE_WORDS: Record<string, string> = {
  ok: "ok",
  no_data: "NO DATA",
  query_failed: "QUERY FAILED",
  arm_label_missing: "ARM LABEL MISSING",
};

/** Where each rule's counts come from, one line per Prometheus-sourced rule (none for SDK counts). */
function sourceLines(g: GuardView): string[] {
  return g.evidence.flatMap((e, i) => {
    const source = e.rule.source;
    if (!source) return [];
    const said = e.source
      ? `${SOURCE_WORDS[e.source.state] ?? e.source.state} at ${time(e.source.at)}: ${e.source.detail}`
      : "not polled yet";
    return [`  rule ${i + 1} counts from Prometheus ${source.url}: ${said}`];
  });
}

/** The guard's state and the evidence behind it, for a person deciding what to do next. */
export function guardDetail(g: GuardView): string {
  const lines = [
    `guard of ${g.flagKey} in ${g.environment}: ${g.state}${g.since ? ` since ${time(g.since)}` : ""}`,
  ];
  lines.push(`  ${g.reason}`);
  if (g.flag) {
    const prev = g.flag.previousPercentage === null ? "" : ` (previous ${pct(g.flag.previousPercentage)})`;
    lines.push(`  flag: ${onOff(g.flag.enabled)} ${pct(g.flag.percentage)}${prev}`);
  }
  if (g.run)
    lines.push(
      `  run #${g.run.id} since ${time(g.run.startedAt)}${g.run.openedBy ? `, opened by ${g.run.openedBy}` : ""}` +
        (g.run.endedAt ? `, ended ${time(g.run.endedAt)} (${g.run.endReason})` : "") +
        (g.lastTickAt ? `, last look ${time(g.lastTickAt)}` : ""),
    );
  if (g.counts)
    lines.push(
      `  counted: treatment ${g.counts.treatment.failures} failures / ${g.counts.treatment.exposures} exposures, ` +
        `control ${g.counts.control.failures} / ${g.counts.control.exposures}`,
    );
  if (g.rolledBack)
    lines.push(
      `  rolled back ${time(g.rolledBack.at)} from ${pct(g.rolledBack.previousPercentage)} by ${ruleText(g.rolledBack.rule)}: ${g.rolledBack.reason}`,
      `  re-open with \`rollguard guard reopen ${g.flagKey} --env ${g.environment}\``,
    );
  lines.push(...sourceLines(g));
  lines.push(
    "",
    table(
      ["RULE", "ACTION", "STATE", "TREATMENT", "CONTROL", "RATIO [95%]", "E-VALUE", "ROLLBACK AT E≥"],
      g.evidence.map((e) => [
        ruleText(e.rule),
        e.rule.action,
        e.state ?? "-",
        arm(e.metric?.treatment ?? e.counts?.treatment),
        arm(e.metric?.control ?? e.counts?.control),
        ratio(e),
        eValue(e),
        e.rollbackAt === null ? "-" : num(e.rollbackAt),
      ]),
      "no rules",
    ),
  );
  return lines.join("\n");
}
