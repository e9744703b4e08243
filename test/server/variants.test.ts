import { afterEach, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";
import { dialects } from "../helpers/postgres.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // Variants can be edited after creation. A value may change (its users get the new value), new
  // variants serve nobody until weights or rules name them, and a variant still in use cannot be
  // removed, so no user is ever left on a variant that no longer exists.

  let t: Awaited<ReturnType<typeof testApp>>;
  afterEach(() => t.close());

  const COLORS = [
    { key: "blue", value: "#00f" },
    { key: "red", value: "#f00" },
  ];

  async function colorFlag() {
    t = await testApp({ dialect });
    const created = await t.call("POST", "/api/flags", {
      key: "color",
      type: "string",
      variants: COLORS,
      offVariant: "blue",
    });
    expect(created.status).toBe(201);
    await t.call("PATCH", "/api/flags/color/environments/production", { percentage: 100 });
  }

  describe("editing a flag's variants", () => {
    it("changes a value and adds a variant; every environment's state version moves; SDKs see the value", async () => {
      await colorFlag();
      const server = await t.call("POST", "/api/tokens", { scope: "server", environment: "production" });
      const before = await t.call("GET", "/api/flags/color");
      const updated = await t.call("PATCH", "/api/flags/color", {
        variants: [
          { key: "blue", value: "#00f" },
          { key: "red", value: "#e00" },
          { key: "green", value: "#0f0" },
        ],
      });
      expect(updated.status).toBe(200);
      expect(updated.body.variants.map((v: { key: string }) => v.key)).toEqual(["blue", "red", "green"]);
      for (const env of ["development", "staging", "production"])
        expect(updated.body.environments[env].version).toBe(before.body.environments[env].version + 1);
      const ev = await t.call(
        "POST",
        "/api/sdk/evaluate",
        { context: { userId: "u1" } },
        { token: server.body.token },
      );
      // Weights still split the rollout between blue and red only: green serves nobody yet.
      expect(ev.body.flags.color.variant).toMatch(/^(red)$/);
      expect(ev.body.flags.color.value).toBe("#e00");
      const audit = await t.call("GET", "/api/audit?flag=color&action=flag.updated");
      expect(audit.body.events[0].after.variants).toHaveLength(3);
    });

    it("refuses to remove a variant the weights name (409), and changes nothing", async () => {
      await colorFlag();
      const before = await t.call("GET", "/api/flags/color");
      const refused = await t.call("PATCH", "/api/flags/color", {
        variants: [
          { key: "blue", value: "#00f" },
          { key: "green", value: "#0f0" },
        ],
      });
      expect(refused.status).toBe(409);
      expect(refused.body.type).toMatch(/variant-in-use$/);
      expect(refused.body).toMatchObject({ variants: ["red"] });
      expect(refused.body.detail).toMatch(/`red` is still named by the weights in `\w+`/);
      expect((await t.call("GET", "/api/flags/color")).body).toEqual(before.body);
    });

    it("removes a variant once no weights or rules name it; the off variant must stay or be renamed", async () => {
      await colorFlag();
      for (const env of ["development", "staging", "production"])
        await t.call("PATCH", `/api/flags/color/environments/${env}`, {
          weights: [{ variant: "blue", weight: 100 }],
        });
      const removed = await t.call("PATCH", "/api/flags/color", {
        variants: [
          { key: "blue", value: "#00f" },
          { key: "green", value: "#0f0" },
        ],
      });
      expect(removed.status).toBe(200);
      const noOff = await t.call("PATCH", "/api/flags/color", {
        variants: [
          { key: "green", value: "#0f0" },
          { key: "pink", value: "#f0f" },
        ],
      });
      expect(noOff.status).toBe(400);
      expect(noOff.body.detail).toBe("offVariant `blue` is not one of the variants");
    });

    it("keeps boolean flags' variants fixed, and checks new values against the type", async () => {
      t = await testApp({ dialect });
      await t.call("POST", "/api/flags", { key: "b", type: "boolean" });
      const fixed = await t.call("PATCH", "/api/flags/b", { variants: COLORS });
      expect(fixed.status).toBe(400);
      expect(fixed.body.detail).toMatch(/fixed variants/);
      await t.call("POST", "/api/flags", {
        key: "n",
        type: "number",
        variants: [
          { key: "a", value: 1 },
          { key: "b", value: 2 },
        ],
      });
      const wrong = await t.call("PATCH", "/api/flags/n", {
        variants: [
          { key: "a", value: 1 },
          { key: "b", value: "two" },
        ],
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.detail).toBe("variant `b` must have a number value");
    });
  });
});
