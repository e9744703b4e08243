import { and, eq } from "drizzle-orm";
import { createApp } from "../../server/app.js";
import { closeDeps, createDeps } from "../../server/create-deps.js";
import { patchFlagState } from "../../server/flags/flag-commands.js";
import { flagStates, guardRuns, guards, metricBuckets } from "../../server/kernel/db/schema.js";
import { tickPlans } from "../../server/plans/tick-plans.js";
import { tickSchedules } from "../../server/plans/tick-schedules.js";
import { type DialectName, freshPostgres } from "../helpers/postgres.js";
import { ADMIN } from "../helpers/server.js";

export const MIN = 60_000;
export const ENV = "production";

/** A mutable clock the test moves by hand. */
export function fakeClock(start = Date.UTC(2030, 0, 1, 9)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
      return t;
    },
  };
}

/**
 * The app with the plan routes over a fresh store (in-memory SQLite, or a database of its own on
 * PostgreSQL) and a fake clock. Traffic and guard state are rows written directly, as the metrics
 * endpoint and the guard loop would write them.
 */
export async function planHarness(opts: { dialect?: DialectName } = {}) {
  const clock = fakeClock();
  const logged: unknown[] = [];
  const pg = opts.dialect === "postgres" ? await freshPostgres() : undefined;
  const deps = await createDeps({
    database: ":memory:",
    databaseUrl: pg?.url,
    adminToken: ADMIN,
    clock,
    log: (_m, e) => logged.push(e),
  });
  const app = createApp(deps);

  async function stateRow(key: string, env: string) {
    const [row] = await deps.db
      .select()
      .from(flagStates)
      .where(and(eq(flagStates.flagKey, key), eq(flagStates.environment, env)));
    if (!row) throw new Error(`no state of ${key} in ${env}`);
    return row;
  }

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    const parsed: any = text ? JSON.parse(text) : undefined;
    return { status: res.status, body: parsed, headers: res.headers };
  }

  return {
    clock,
    deps,
    call,
    logged,
    /** One pass of the background loop at the fake clock's time. */
    async tick() {
      const schedules = await tickSchedules(deps, clock.now());
      const plans = await tickPlans(deps, clock.now());
      return [...schedules.map((s) => s.action), ...plans.map((p) => p.action)];
    },
    async percentage(key: string, env = ENV) {
      return (await stateRow(key, env)).percentageMilli / 1000;
    },
    state(key: string, env = ENV) {
      return stateRow(key, env);
    },
    /** Treatment (and as many control) exposures in the 10 s bucket holding `at`. */
    async traffic(key: string, exposures: number, at = clock.now(), env = ENV) {
      const bucketStart = at - (at % 10_000);
      for (const arm of ["treatment", "control"] as const)
        await deps.db
          .insert(metricBuckets)
          .values({
            flagKey: key,
            environment: env,
            arm,
            bucketStart,
            exposures,
            failures: 0,
            latency: [],
            custom: {},
            updatedAt: at,
          })
          .onConflictDoUpdate({
            target: [
              metricBuckets.flagKey,
              metricBuckets.environment,
              metricBuckets.arm,
              metricBuckets.bucketStart,
            ],
            set: { exposures: exposures },
          });
    },
    /** A new guard run (the latest run is the current one), and the guard row it belongs to. */
    async guard(
      key: string,
      state: "healthy" | "warning" | "no_data" | "paused" | "rolled_back",
      opts: { endedAt?: number } = {},
      env = ENV,
    ) {
      const now = clock.now();
      await deps.db
        .insert(guards)
        .values({ flagKey: key, environment: env, rules: [], version: 1, createdAt: now, updatedAt: now })
        .onConflictDoNothing();
      await deps.db.insert(guardRuns).values({
        flagKey: key,
        environment: env,
        state,
        evidence: {},
        consumed: {},
        startedAt: now,
        lastTickAt: now,
        endedAt: opts.endedAt ?? (state === "rolled_back" ? now : null),
        endReason: state === "rolled_back" ? "rolled_back" : null,
        version: 1,
      });
    },
    /** A change of the flag by someone else than the plan (a person, or the guard). */
    patch(key: string, patch: { percentage?: number; enabled?: boolean }, actor: string, env = ENV) {
      return patchFlagState(deps, key, env, patch, { actor });
    },
    async close() {
      await closeDeps(deps);
      await pg?.drop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof planHarness>>;

export async function newFlag(h: Harness, key: string) {
  const res = await h.call("POST", "/api/flags", { key, type: "boolean" });
  if (res.status !== 201) throw new Error(`flag not created: ${JSON.stringify(res.body)}`);
}

export async function newPlan(h: Harness, key: string, body: unknown) {
  const res = await h.call("POST", `/api/flags/${key}/environments/${ENV}/plans`, body);
  if (res.status !== 201) throw new Error(`plan not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function planActions(h: Harness, key: string): Promise<string[]> {
  const audit = await h.call("GET", `/api/audit?flag=${key}&environment=${ENV}&limit=500`);
  return audit.body.events.map((e: { action: string }) => e.action).reverse();
}
