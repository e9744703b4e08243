import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { guardSummaries } from "../guard/index.js";
import type { AppDeps } from "../kernel/deps.js";
import { reportStatsOf } from "../metrics/index.js";
import { planSummaries } from "../plans/index.js";
import { STREAM_KINDS, streamStats } from "../streaming/index.js";

const GUARD_STATES = ["healthy", "warning", "no_data", "paused", "held", "rolled_back"] as const;
const PLAN_STATES = ["pending", "running", "paused", "inconclusive"] as const;

/**
 * The metrics of one server, in Prometheus' text format at `GET /metrics`. Counters of what
 * happens (requests, changes, reports) are counted as it happens; gauges of what is (streams,
 * guards, plans) are read from their features' modules at scrape time, so a scrape shows the
 * store as it is now, on whichever instance it hits.
 */
export class RollguardMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: "rollguard_http_requests_total",
    help: "HTTP requests answered, by method, route template and status",
    labelNames: ["method", "route", "status"],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: "rollguard_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer's end, by method and route template (streams excluded)",
    labelNames: ["method", "route"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly changes = new Counter({
    name: "rollguard_changes_committed_total",
    help: "Flag changes committed and published to the SDKs, by environment",
    labelNames: ["environment"],
    registers: [this.registry],
  });

  readonly auditEvents = new Counter({
    name: "rollguard_audit_events_total",
    help: "Audit events committed by this instance, by action (flag.state.changed, guard.rolled_back, plan.advanced, …)",
    labelNames: ["action"],
    registers: [this.registry],
  });

  readonly rollbacks = new Counter({
    name: "rollguard_guard_rollbacks_total",
    help: "Rollbacks by the guard committed by this instance, by flag and environment",
    labelNames: ["flag", "environment"],
    registers: [this.registry],
  });

  constructor(deps: AppDeps) {
    const registers = [this.registry];
    new Gauge({
      name: "rollguard_sse_connections",
      help: "Open SSE connections, by kind (sdk: server SDKs, browser: the client stream, admin: dashboards)",
      labelNames: ["kind"],
      registers,
      collect() {
        const stats = streamStats(deps);
        for (const kind of STREAM_KINDS) this.set({ kind }, stats[kind].open);
      },
    });
    new Gauge({
      name: "rollguard_sse_connections_closed",
      help: "SSE connections closed since start (client gone, dropped as too slow, revoked, shutdown), by kind",
      labelNames: ["kind"],
      registers,
      collect() {
        const stats = streamStats(deps);
        for (const kind of STREAM_KINDS) this.set({ kind }, stats[kind].closed);
      },
    });
    new Gauge({
      name: "rollguard_metrics_reports",
      help: "Outcome reports since start, by source (sdk, client) and result (accepted, refused)",
      labelNames: ["source", "result"],
      registers,
      collect() {
        const stats = reportStatsOf(deps);
        for (const source of ["sdk", "client"] as const)
          for (const result of ["accepted", "refused"] as const)
            this.set({ source, result }, stats[source][result]);
      },
    });
    const eValue = new Gauge({
      name: "rollguard_guard_e_value",
      help: "Each guard rule's evidence of harm (e-value); it rolls back at rollguard_guard_rollback_threshold",
      labelNames: ["flag", "environment", "rule"],
      registers,
    });
    const threshold = new Gauge({
      name: "rollguard_guard_rollback_threshold",
      help: "The e-value at which each guard rule rolls back (1/alpha)",
      labelNames: ["flag", "environment", "rule"],
      registers,
    });
    const lastTick = new Gauge({
      name: "rollguard_guard_last_tick_timestamp_seconds",
      help: "When the guard last decided on each guarded flag",
      labelNames: ["flag", "environment"],
      registers,
    });
    const guardState = new Gauge({
      name: "rollguard_guard_state",
      help: "Each guarded flag's state: 1 for the state it is in, 0 for the others",
      labelNames: ["flag", "environment", "state"],
      registers,
    });
    // The guard and plan gauges are read from the store, which is async: `refresh` fills them
    // before each scrape (a gauge's collect() would run beside the others, not before them).
    this.#refreshers.push(async () => {
      const summaries = await guardSummaries(deps.db);
      guardState.reset();
      eValue.reset();
      threshold.reset();
      lastTick.reset();
      for (const g of summaries) {
        const at = { flag: g.flagKey, environment: g.environment };
        for (const state of GUARD_STATES) guardState.set({ ...at, state }, g.state === state ? 1 : 0);
        if (g.lastTickAt !== null) lastTick.set(at, g.lastTickAt / 1000);
        for (const r of g.rules) {
          if (r.eValue !== null) eValue.set({ ...at, rule: r.rule }, r.eValue);
          if (r.rollbackAt !== null) threshold.set({ ...at, rule: r.rule }, r.rollbackAt);
        }
      }
    });
    const planStage = new Gauge({
      name: "rollguard_plan_stage",
      help: "Each active plan's current stage (1-based; 0 before its first), by flag, environment and plan",
      labelNames: ["flag", "environment", "plan"],
      registers,
    });
    const planPercentage = new Gauge({
      name: "rollguard_plan_percentage",
      help: "The percentage each active plan's current stage sets",
      labelNames: ["flag", "environment", "plan"],
      registers,
    });
    const planState = new Gauge({
      name: "rollguard_plan_state",
      help: "Each active plan's state: 1 for the state it is in, 0 for the others",
      labelNames: ["flag", "environment", "plan", "state"],
      registers,
    });
    this.#refreshers.push(async () => {
      const summaries = await planSummaries(deps.db);
      planState.reset();
      planStage.reset();
      planPercentage.reset();
      for (const p of summaries) {
        const at = { flag: p.flagKey, environment: p.environment, plan: p.id };
        planStage.set(at, p.stage + 1);
        if (p.percentage !== null) planPercentage.set(at, p.percentage);
        for (const state of PLAN_STATES) planState.set({ ...at, state }, p.state === state ? 1 : 0);
      }
    });
  }

  readonly #refreshers: Array<() => Promise<void>> = [];

  /** Reads what the gauges show from the store; the /metrics route awaits it before each scrape. */
  async refresh(): Promise<void> {
    for (const refresh of this.#refreshers) await refresh();
  }
}

const byDeps = new WeakMap<AppDeps, RollguardMetrics>();

/** The metrics of one server (one set of deps), made on first use. */
export function metricsOf(deps: AppDeps): RollguardMetrics {
  let m = byDeps.get(deps);
  if (!m) {
    m = new RollguardMetrics(deps);
    byDeps.set(deps, m);
  }
  return m;
}
