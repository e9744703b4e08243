import { once } from "node:events";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { type Context, InMemStorageProvider, Unleash } from "unleash-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type RollguardClient } from "../../sdk/node/index.js";
import type { UnleashExportInput } from "../../server/imports/unleash-export.js";
import { dialects } from "../helpers/postgres.js";
import { mulberry32, pick, randomInt } from "../helpers/prng.js";
import { api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";
import { clientFeaturesOf } from "./unleash-client-features.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  const exported = JSON.parse(
    readFileSync(new URL("./unleash-export.json", import.meta.url), "utf8"),
  ) as UnleashExportInput;
  const ENVIRONMENTS = ["development", "production"];
  // The answers are the SDK's, from the flag set the server streams; on PostgreSQL the question is
  // whether the imported rows come back as stored, which a thousand users answer as well.
  const USERS = dialect === "postgres" ? 1_000 : 10_000;

  let server: Awaited<ReturnType<typeof startServer>>;
  let admin: ReturnType<typeof api>;
  // biome-ignore lint/suspicious/noExplicitAny: the import's JSON answer
  let imported: any;
  const unleashes = new Map<string, Unleash>();
  const rollguards = new Map<string, RollguardClient>();

  /** Unleash with the export as its bootstrap: no network (no polling, no metrics, no backup file). */
  async function unleashFor(environment: string): Promise<Unleash> {
    const { features, segments } = clientFeaturesOf(exported, environment);
    const unleash = new Unleash({
      appName: "rollguard-import-test",
      environment,
      url: "http://127.0.0.1:9/api/",
      refreshInterval: 0,
      disableMetrics: true,
      skipInstanceCountWarning: true,
      storageProvider: new InMemStorageProvider(),
      // biome-ignore lint/suspicious/noExplicitAny: the client API's JSON
      bootstrap: { data: features as any, segments: segments as any },
    });
    unleash.on("error", () => {});
    unleash.on("warn", () => {});
    await once(unleash, "ready");
    return unleash;
  }

  /** The same person as each side reads them: Unleash nests custom fields under `properties`. */
  function users() {
    const random = mulberry32(0x1f2e3d);
    const out: Array<{ rollguard: Record<string, string>; unleash: Context }> = [];
    const host = process.env.HOSTNAME || hostname();
    for (let i = 0; i < USERS; i++) {
      const props = {
        email: pick(random, [
          `u${i}@gmail.com`,
          `anna.admin@example.com`,
          `Bo.Ops@Example.COM`,
          `carl+beta@gmail.com`,
          `dora@EXAMPLE.com`,
          `erik@example.org`,
        ]),
        country: pick(random, ["DE", "AT", "CH", "FR", "US", "de", "Dk", "ar"]),
        plan: pick(random, ["free", "pro", "team"]),
        age: String(10 + randomInt(random, 70)),
        orders: pick(random, ["0", "1", "2", "3", "100", "57", "100.0"]),
        platform: pick(random, ["ios", "android", "web"]),
        appVersion: pick(random, [
          "1.2.0",
          "1.5.0",
          "1.9.9",
          "2.0.0",
          "2.4.0",
          "2.9.1",
          "3.0.0",
          "3.1.0-beta.1",
          "2.4.0-rc.1",
        ]),
        role: pick(random, ["auditor", "contractor", "dev"]),
        hostname: host,
      };
      const fixed = {
        userId: i % 1000 === 17 ? "user-17" : `user-${i}`,
        sessionId: `s-${randomInt(random, 1e9)}`,
        remoteAddress: pick(random, [
          "10.1.2.3",
          "192.168.1.7",
          "192.168.1.8",
          "172.16.5.4",
          "172.17.0.1",
          "203.0.113.7",
          "8.8.8.8",
        ]),
        currentTime: pick(random, [
          "2026-11-01T00:00:00.000Z",
          "2026-12-24T12:00:00.000Z",
          "2027-01-05T23:59:59.999Z",
          "2027-01-06T00:00:00.000Z",
          "2027-02-01T00:00:00.000Z",
        ]),
      };
      out.push({
        rollguard: { ...fixed, ...props },
        unleash: { ...fixed, currentTime: new Date(fixed.currentTime), properties: props },
      });
    }
    return out;
  }

  beforeAll(async () => {
    server = await startServer({ dialect });
    admin = api(server.url);
    const res = await admin("POST", "/api/import/unleash", { export: exported });
    expect(res.status).toBe(200);
    imported = res.body;
    for (const env of ENVIRONMENTS) {
      unleashes.set(env, await unleashFor(env));
      const { token } = await createToken(server.url, "server", env);
      const client = createClient({ url: server.url, token, metrics: false });
      await client.ready();
      rollguards.set(env, client);
    }
  });

  afterAll(async () => {
    for (const u of unleashes.values()) u.destroy();
    for (const c of rollguards.values()) await c.close();
    await server.close();
  });

  /** Flags the import reports as exact (nothing it cannot state), by whether they have prerequisites. */
  function exactFlags(withPrerequisites: boolean): string[] {
    return imported.flags
      .filter((f: { cannot: string[]; environments: Record<string, { prerequisites?: unknown[] }> }) => {
        const hasPrereq = Object.values(f.environments).some((s) => (s.prerequisites?.length ?? 0) > 0);
        return f.cannot.length === 0 && hasPrereq === withPrerequisites;
      })
      .map((f: { key: string }) => f.key);
  }

  function compare(keys: string[]) {
    const people = users();
    const mismatches: string[] = [];
    let enabledSomewhere = 0;
    for (const env of ENVIRONMENTS) {
      const unleash = unleashes.get(env)!;
      const rollguard = rollguards.get(env)!;
      for (const key of keys) {
        const flag = imported.flags.find((f: { key: string }) => f.key === key);
        let on = 0;
        const fallback: boolean | string | null =
          flag.type === "boolean" ? false : flag.type === "string" ? "" : null;
        for (const p of people) {
          // One call answers both: getVariant reports whether the feature is enabled.
          const variant = unleash.getVariant(key, p.unleash);
          const enabled = variant.feature_enabled === true;
          const r = rollguard.evaluate(key, p.rollguard, fallback);
          const rEnabled = flag.type === "boolean" ? (r.value as unknown) === true : r.variant !== "disabled";
          const rVariant = flag.type === "boolean" ? "disabled" : r.variant;
          if (enabled) on++;
          if (enabled !== rEnabled || variant.name !== rVariant)
            mismatches.push(
              `${env} ${key} ${JSON.stringify(p.rollguard)}: unleash ${enabled}/${variant.name}, rollguard ${rEnabled}/${rVariant} (${r.reason} ${r.errorMessage ?? ""})`,
            );
          if (mismatches.length > 20) return { mismatches, enabledSomewhere };
        }
        if (on > 0 && on < people.length) enabledSomewhere++;
      }
    }
    return { mismatches, enabledSomewhere };
  }

  describe("import from Unleash", () => {
    it("a dry run shows the plan, with what cannot be stated, and creates nothing", async () => {
      const dry = await admin("POST", "/api/import/unleash", { export: exported, dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.dryRun).toBe(true);
      expect(dry.body.created).toEqual([]);
      // The first import created them all; a second one skips every key, never overwriting.
      expect(dry.body.skipped.map((s: { key: string }) => s.key).sort()).toContain("new-checkout");
      const random = imported.flags.find((f: { key: string }) => f.key === "random-canary");
      expect(random.cannot.join(" ")).toContain("random stickiness cannot be reproduced");
      expect(imported.skipped).toEqual([{ key: "old-thing", reason: "archived in Unleash" }]);
    });

    it("creates every feature of the export, with its kind, tags, variants and states", async () => {
      expect(imported.created.length).toBe(exported.features.length - 1);
      const pricing = await admin("GET", "/api/flags/pricing-experiment");
      expect(pricing.body).toMatchObject({
        kind: "experiment",
        type: "json",
        offVariant: "disabled",
        tags: ["team:growth"],
      });
      expect(pricing.body.variants.map((v: { key: string }) => v.key)).toEqual([
        "disabled",
        "control",
        "cheaper",
        "bundle",
      ]);
      expect(pricing.body.environments.production).toMatchObject({
        bucketing: "unleash",
        salt: "pricing-experiment",
      });
      const kill = await admin("GET", "/api/flags/legacy-api-kill");
      expect(kill.body.kind).toBe("kill-switch");
      expect(kill.body.environments.production.enabled).toBe(false);
      const audit = await admin("GET", "/api/audit?flag=new-checkout");
      expect(audit.status).toBe(200);
    });

    it(`gives ${USERS.toLocaleString("en")} users the answers unleash-client gives, for every exact flag`, () => {
      const keys = exactFlags(false);
      expect(keys.length).toBeGreaterThanOrEqual(12);
      const { mismatches, enabledSomewhere } = compare(keys);
      expect(mismatches).toEqual([]);
      // The comparison means something only if flags are neither all on nor all off.
      expect(enabledSomewhere).toBeGreaterThanOrEqual(10);
    }, 180_000);

    // Unleash dependencies become prerequisites, which the core evaluates.
    it("and for the flags with a dependency (prerequisites)", () => {
      const keys = exactFlags(true);
      expect(keys).toEqual(["checkout-upsell"]);
      expect(compare(keys).mismatches).toEqual([]);
    });
  });
});
