import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type RollguardClient } from "../../sdk/node/index.js";
import { expected, outcome, targetingVectors } from "../core/targeting-vectors.js";
import { dialects } from "../helpers/postgres.js";
import { api } from "../helpers/server.js";
import { serverWithVectors } from "./harness.js";

const refused = new Set(targetingVectors.refusedByServer);
const served = targetingVectors.cases.filter((c) => !refused.has(c.flag));
const defaults = new Map(targetingVectors.flags.map((f) => [f.key, f.type === "boolean" ? false : ""]));

describe.each(await dialects())(
  "targeting vectors on a real server ($dialect) and through the Node SDK",
  ({ dialect }) => {
    let fx: Awaited<ReturnType<typeof serverWithVectors>>;
    let sdk: RollguardClient;

    beforeAll(async () => {
      fx = await serverWithVectors(dialect);
      sdk = createClient({ url: fx.server.url, token: fx.token, metrics: false });
      expect(await sdk.ready()).toBe("ready");
    });

    afterAll(async () => {
      await sdk?.close();
      await fx?.server.close();
    });

    it("refuses to write what could only fail closed: a missing segment or prerequisite, a cycle", () => {
      const byFlag = Object.fromEntries(fx.refusals.map((r) => [r.flag, r.answer]));
      expect(byFlag.dangling!.status).toBe(400);
      expect(byFlag.dangling!.body.detail).toContain("segment `ghost` does not exist");
      expect(byFlag["needs-ghost"]!.status).toBe(400);
      expect(byFlag["needs-ghost"]!.body.detail).toContain("`no-such-flag` does not exist");
      expect(byFlag["cyc-a"]!.status).toBe(409);
      expect(byFlag["cyc-a"]!.body.detail).toMatch(/cycle .*(cyc-a → cyc-b → cyc-a|cyc-b → cyc-a → cyc-b)/);
    });

    it(`the server's /api/sdk/evaluate agrees with all ${served.length} servable cases`, async () => {
      const call = api(fx.server.url, fx.token);
      const wrong = [];
      for (const c of served) {
        const r = await call("POST", "/api/sdk/evaluate", { context: c.context });
        const got = outcome(r.body.flags[c.flag]);
        if (JSON.stringify(got) !== JSON.stringify(expected(c))) wrong.push({ case: c, got });
      }
      expect(wrong).toEqual([]);
    });

    it("the Node SDK (streamed flag set, local evaluation) agrees with every servable case", () => {
      const wrong = [];
      for (const c of served) {
        const got = outcome(sdk.evaluate(c.flag, c.context, defaults.get(c.flag)!));
        if (JSON.stringify(got) !== JSON.stringify(expected(c))) wrong.push({ case: c, got });
      }
      expect(wrong).toEqual([]);
    });
  },
);
