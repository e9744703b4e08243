import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../sdk/node/index.js";
import { postMetrics, report } from "../helpers/metrics.js";
import { freshPostgres, postgresReachable, type TestDatabase } from "../helpers/postgres.js";
import { mulberry32 } from "../helpers/prng.js";
import { ADMIN, api, spawnServer } from "../helpers/server.js";
import { createToken, eventually, sleep } from "../helpers/server-token.js";
import { openSse } from "../helpers/sse-reader.js";
import { webhookReceiver } from "../helpers/webhook-receiver.js";

// Two real Rollguard processes on one real PostgreSQL database (a fresh one for this file),
// each on its own port: what a change through one does to SDKs on the other, what a SIGKILL of
// either does, and who runs the guard when its leader dies.

type Instance = Awaited<ReturnType<typeof spawnServer>>;

const reachable = await postgresReachable();
const ENV = { ROLLGUARD_TICK_MS: "200" };

let database: TestDatabase | undefined;
let dir = "";
const running = new Set<Instance>();

async function instance(port?: number): Promise<Instance> {
  const s = await spawnServer({
    database: join(dir, "unused.db"),
    databaseUrl: database!.url,
    env: ENV,
    port,
  });
  running.add(s);
  return s;
}

async function kill(s: Instance) {
  await s.kill("SIGKILL");
  running.delete(s);
}

async function ready(s: Instance) {
  return (await fetch(`${s.url}/readyz`)).json() as Promise<{ leader: boolean; notifications: boolean }>;
}

/** The dashboard's stream of audit events on one instance, read until `ready`. */
async function adminStream(s: Instance) {
  const stream = await openSse(`${s.url}/api/admin/stream`, { authorization: `Bearer ${ADMIN}` });
  expect(stream.res.status).toBe(200);
  const first = await stream.next(5_000);
  expect(first?.event).toBe("ready");
  return stream;
}

type Stream = Awaited<ReturnType<typeof openSse>>;
interface AdminEvent {
  id: number;
  action: string;
  flagKey: string | null;
}

/** Reads `change` events until `done` holds of what was read; every event read is returned. */
async function readChanges(stream: Stream, done: (events: AdminEvent[]) => boolean, what: string) {
  const events: AdminEvent[] = [];
  while (!done(events)) {
    const e = await stream.next(10_000);
    if (!e) throw new Error(`${what}: no event after ${JSON.stringify(events)}`);
    if (e.event === "change") events.push({ id: Number(e.id), ...JSON.parse(e.data) });
  }
  return events;
}

describe.skipIf(!reachable)("several instances on one PostgreSQL", () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rollguard-cluster-"));
    // Empty, not the migrated template: the first start applies the migrations, under their lock.
    database = await freshPostgres({ empty: true });
    // One after the other: the second start finds the migrations applied by the first.
    a = await instance();
    b = await instance();
  }, 120_000);

  afterAll(async () => {
    for (const s of running) await s.kill("SIGTERM");
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a PATCH through A reaches a Node SDK streaming from B", async () => {
    const call = api(a.url);
    expect((await call("POST", "/api/flags", { key: "across", type: "boolean" })).status).toBe(201);
    const { token } = await createToken(a.url);
    const client = createClient({ url: b.url, token, reconnectBaseMs: 50 });
    try {
      expect(await client.ready()).toBe("ready");
      expect(client.isEnabled("across", { userId: "u1" })).toBe(false);
      expect(
        (await call("PATCH", "/api/flags/across/environments/production", { percentage: 100 })).status,
      ).toBe(200);
      await eventually(() => client.isEnabled("across", { userId: "u1" }), 5_000, "the patch on B's stream");
    } finally {
      await client.close();
    }
  });

  it("an SDK stream that moves between A and B with Last-Event-ID misses no change (100 changes)", async () => {
    const call = api(a.url);
    expect((await call("POST", "/api/flags", { key: "moving", type: "boolean" })).status).toBe(201);
    const { token } = await createToken(a.url);
    const random = mulberry32(20261203);
    const seen: number[] = [];
    let lastId: string | undefined;
    let on = a;
    let stream = await openSse(`${on.url}/api/sdk/stream`, { authorization: `Bearer ${token}` });
    const first = await stream.next(5_000);
    expect(first?.event).toBe("put");
    lastId = first?.id;
    const start = Number(lastId);

    const writes = (async () => {
      for (let i = 1; i <= 100; i++) {
        const through = random() < 0.5 ? a : b;
        const r = await api(through.url)("PATCH", "/api/flags/moving/environments/production", {
          percentage: i / 2,
        });
        if (r.status !== 200) throw new Error(`PATCH ${i}: ${r.status}`);
        if (random() < 0.3) await sleep(Math.floor(random() * 20));
      }
    })();
    // Reads until the 100th change arrived, hopping to the other instance at random moments.
    while (seen.length < 100) {
      const event = await stream.next(5_000);
      if (!event) throw new Error(`no event after ${seen.length} changes (on ${on === a ? "A" : "B"})`);
      if (event.event === "patch") {
        seen.push(Number(event.id));
        lastId = event.id;
      }
      if (random() < 0.1) {
        stream.close();
        on = on === a ? b : a;
        stream = await openSse(`${on.url}/api/sdk/stream`, {
          authorization: `Bearer ${token}`,
          "last-event-id": String(lastId),
        });
      }
    }
    stream.close();
    await writes;
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => start + i + 1));
  });

  it("a lost notification connection is noticed, and on reconnect the instance catches up from the change log", async () => {
    const call = api(a.url);
    expect((await call("POST", "/api/flags", { key: "deaf", type: "boolean" })).status).toBe(201);
    const { token } = await createToken(a.url);
    const stream = await openSse(`${b.url}/api/sdk/stream`, { authorization: `Bearer ${token}` });
    const put = await stream.next(5_000);
    expect(put?.event).toBe("put");
    const dashboard = await adminStream(b);
    // Cut every instance's LISTEN session from the outside, as a failover or a proxy would.
    const admin = new pg.Client({ connectionString: database!.url });
    await admin.connect();
    try {
      const cut = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'rollguard-listen' and datname = current_database()",
      );
      expect(cut.rowCount).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    for (let i = 1; i <= 3; i++)
      expect((await call("PATCH", "/api/flags/deaf/environments/production", { percentage: i })).status).toBe(
        200,
      );
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const event = await stream.next(10_000);
      expect(event?.event).toBe("patch");
      ids.push(Number(event?.id));
    }
    stream.close();
    expect(ids).toEqual([1, 2, 3].map((i) => Number(put?.id) + i));
    // The audit events committed while B was deaf reach B's dashboard too, from the audit trail.
    const seen = await readChanges(
      dashboard,
      (events) => events.filter((e) => e.flagKey === "deaf" && e.action === "flag.state.changed").length >= 3,
      "the deaf PATCHes on B's admin stream",
    );
    dashboard.close();
    const audit = await call("GET", "/api/audit?flag=deaf&action=flag.state.changed");
    // (The flag's creation may come first: B hears of it after A answered the POST.)
    expect(
      seen.filter((e) => e.flagKey === "deaf" && e.action === "flag.state.changed").map((e) => e.id),
    ).toEqual(audit.body.events.map((e: { id: number }) => e.id).reverse());
    expect((await ready(b)).notifications).toBe(true);
  });

  it("a dashboard on B sees every audit event committed through A or B once, in id order (20 changes)", async () => {
    const call = api(a.url);
    expect((await call("POST", "/api/flags", { key: "watched", type: "boolean" })).status).toBe(201);
    const onB = await adminStream(b);
    const onA = await adminStream(a);
    // Two writers at once, one through each instance, so their audit ids interleave.
    await Promise.all(
      [a, b].map(async (through, w) => {
        for (let i = 1; i <= 10; i++) {
          const r = await api(through.url)("PATCH", "/api/flags/watched/environments/production", {
            percentage: w * 50 + i,
          });
          if (r.status !== 200) throw new Error(`PATCH ${w}/${i}: ${r.status}`);
        }
      }),
    );
    const audit = await call("GET", "/api/audit?flag=watched&action=flag.state.changed");
    const ids = audit.body.events.map((e: { id: number }) => e.id).reverse();
    expect(ids).toHaveLength(20);
    const enough = (events: AdminEvent[]) => events.some((e) => e.id === ids[19]);
    for (const [name, stream] of [
      ["B", onB],
      ["A", onA],
    ] as const) {
      const events = await readChanges(stream, enough, `the 20th change on ${name}'s admin stream`);
      stream.close();
      // Once each and in id order, whichever instance committed it; exactly the trail's events.
      const all = events.map((e) => e.id);
      expect(all).toEqual([...new Set(all)].sort((x, y) => x - y));
      const patches = events.filter((e) => e.flagKey === "watched" && e.action === "flag.state.changed");
      expect(patches.map((e) => e.id)).toEqual(ids);
    }
  });

  it("a token revoked (or rotated) through A is refused on B within 1 s, and its stream on B ends", async () => {
    const revoked = await createToken(a.url);
    const rotated = await createToken(a.url);
    const flagsOnB = async (token: string) =>
      (await fetch(`${b.url}/api/sdk/flags`, { headers: { authorization: `Bearer ${token}` } })).status;
    // B holds both in its token cache (5 s), and streams to the first.
    expect(await flagsOnB(revoked.token)).toBe(200);
    expect(await flagsOnB(rotated.token)).toBe(200);
    const stream = await openSse(`${b.url}/api/sdk/stream`, { authorization: `Bearer ${revoked.token}` });
    expect((await stream.next(5_000))?.event).toBe("put");

    expect((await api(a.url)("DELETE", `/api/tokens/${revoked.id}`)).status).toBe(200);
    const refusedAfter = async (token: string) => {
      const from = Date.now();
      while ((await flagsOnB(token)) !== 401) {
        if (Date.now() - from > 5_000) throw new Error("B still takes the token after 5 s");
        await sleep(20);
      }
      return Date.now() - from;
    };
    expect(await refusedAfter(revoked.token)).toBeLessThan(1_000);
    // The stream ends well before B's 15 s heartbeat would have looked at the token.
    expect(await stream.waitEnd(2_000)).toBe(true);

    const rotation = await api(a.url)("POST", `/api/tokens/${rotated.id}/rotate`, { graceSeconds: 0 });
    expect(rotation.status).toBe(200);
    expect(await refusedAfter(rotated.token)).toBeLessThan(1_000);
    expect(await flagsOnB(rotation.body.token)).toBe(200);
  });

  it("a webhook gets each event once while two instances run: the committing one delivers", async () => {
    const receiver = await webhookReceiver();
    const got = () =>
      receiver.got.map((h) => ({ type: String(h.headers["x-rollguard-event"]), id: JSON.parse(h.body).id }));
    try {
      const { url } = receiver;
      const call = api(a.url);
      expect((await call("POST", "/api/flags", { key: "hooked", type: "boolean" })).status).toBe(201);
      const hook = await call("POST", "/api/environments/production/webhooks", {
        url,
        events: ["schedule.*"],
      });
      expect(hook.status).toBe(201);
      // Created through the instance that does not lead (it delivers schedule.created); applied by
      // the leader's schedule loop (which delivers schedule.applied).
      const [aState] = await Promise.all([ready(a), ready(b)]);
      const [leader, other] = aState.leader ? [a, b] : [b, a];
      const schedule = async (via: Instance, body: Record<string, unknown>) => {
        const r = await api(via.url)("POST", "/api/flags/hooked/environments/production/schedules", body);
        expect(r.status).toBe(201);
      };
      await schedule(other, { in: "300ms", percentage: 30 });
      const count = (type: string) => got().filter((g) => g.type === type).length;
      await eventually(() => count("schedule.applied") >= 1, 10_000, "schedule.applied");
      // A last event through the leader: once it is in, anything the first two caused is too.
      await schedule(leader, { in: "1h", percentage: 40 });
      await eventually(() => count("schedule.created") >= 2, 10_000, "the second schedule.created");
      await sleep(500);
      expect(count("schedule.created")).toBe(2);
      expect(count("schedule.applied")).toBe(1);
      expect(new Set(got().map((g) => g.id)).size).toBe(receiver.got.length);
    } finally {
      await receiver.close();
    }
  });

  it("SIGKILL after a 200 on either instance: the change is there after the restart", async () => {
    const call = api(b.url);
    expect((await call("POST", "/api/flags", { key: "durable", type: "boolean" })).status).toBe(201);
    expect(
      (await call("PATCH", "/api/flags/durable/environments/production", { percentage: 42.5 })).status,
    ).toBe(200);
    await kill(b);
    expect((await api(a.url)("GET", "/api/flags/durable")).body.environments.production).toMatchObject({
      percentage: 42.5,
    });
    b = await instance(b.port);
    expect((await api(b.url)("GET", "/api/flags/durable")).body.environments.production).toMatchObject({
      percentage: 42.5,
      version: 2,
    });
    const audit = await api(b.url)("GET", "/api/audit?flag=durable&action=flag.state.changed");
    expect(audit.body.events).toHaveLength(1);
  }, 90_000);

  it("SIGKILL the leader during a guarded rollout: the other takes over and rolls back, once", async () => {
    const call = api(a.url);
    expect((await call("POST", "/api/flags", { key: "breaks", type: "boolean" })).status).toBe(201);
    expect(
      (await call("PATCH", "/api/flags/breaks/environments/production", { percentage: 20 })).status,
    ).toBe(200);
    expect(
      (await call("PUT", "/api/flags/breaks/environments/production/guard", { rules: ["errors-vs-control"] }))
        .status,
    ).toBe(200);
    const { token } = await createToken(a.url);
    const states = await Promise.all([ready(a), ready(b)]);
    expect(states.filter((s) => s.leader)).toHaveLength(1);
    const [leader, other] = states[0]!.leader ? [a, b] : [b, a];
    const guardView = async (via: Instance) =>
      (await api(via.url)("GET", "/api/flags/breaks/environments/production/guard")).body;
    const guardState = async (via: Instance) => (await guardView(via)).state as string;
    // The leader's guard opens a run for the flag (seen from the other instance); then it dies.
    for (let i = 0; i < 100 && (await guardView(other)).run === null; i++) await sleep(100);
    expect((await guardView(other)).run).not.toBeNull();
    await kill(leader);

    // The treatment breaks: reports keep arriving, at the survivor (any instance stores them).
    const takeover = Date.now();
    let rolledBack = false;
    for (let i = 0; i < 150 && !rolledBack; i++) {
      const r = await postMetrics(
        other.url,
        token,
        report({
          breaks: {
            treatment: { exposures: 2000, failures: 200 },
            control: { exposures: 8000, failures: 40 },
          },
        }),
      );
      expect(r.status).toBe(202);
      await sleep(200);
      rolledBack = (await guardState(other)) === "rolled_back";
    }
    expect(rolledBack).toBe(true);
    expect((await ready(other)).leader).toBe(true);
    // Handover: the lock is free once PostgreSQL ends the dead session; the next check takes it.
    expect(Date.now() - takeover).toBeLessThan(30_000);
    const state = (await api(other.url)("GET", "/api/flags/breaks")).body.environments.production;
    expect(state).toMatchObject({ percentage: 0, previousPercentage: 20 });

    // The killed instance comes back (not the leader now); ticks go on: still one rollback.
    const back = await instance(leader.port);
    if (leader === a) a = back;
    else b = back;
    await sleep(1_500);
    const audit = await api(other.url)("GET", "/api/audit?flag=breaks&action=guard.rolled_back");
    expect(audit.body.events).toHaveLength(1);
  }, 120_000);
});
