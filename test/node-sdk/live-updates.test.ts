import { afterEach, describe, expect, it } from "vitest";
import { recordingFetch } from "./recording-fetch.js";
import { client, closeClients, next, serverWithFlag } from "./sdk-fixture.js";

const users = Array.from({ length: 200 }, (_, i) => ({ userId: `user-${i}` }));
const enabledCount = (c: ReturnType<typeof client>) => users.filter((u) => c.isEnabled("checkout", u)).length;

afterEach(closeClients);

describe("Node SDK: live updates from the real server", () => {
  it("a PATCH of the percentage reaches the change event and the evaluations (stream)", async () => {
    const { server, admin, token } = await serverWithFlag();
    try {
      const c = client({ url: server.url, token });
      const ready = next(c, "ready");
      expect(await c.ready()).toBe("ready");
      expect(await ready).toMatchObject({ revision: c.revision });
      expect(c.source).toBe("server");
      expect(enabledCount(c)).toBe(0);

      const change = next(c, "change", (e) => e.keys.includes("checkout"));
      const patched = await admin("PATCH", "/api/flags/checkout/environments/production", {
        percentage: 100,
      });
      expect(patched.status).toBe(200);
      expect(await change).toMatchObject({ keys: ["checkout"], source: "server" });
      expect(enabledCount(c)).toBe(users.length);

      const half = next(c, "change");
      await admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 50 });
      await half;
      const on = enabledCount(c);
      expect(on).toBeGreaterThan(60);
      expect(on).toBeLessThan(140);
      const result = c.evaluate("checkout", users[0], false);
      expect(result.reason).toBe("SPLIT");
      expect(result.arm).toBe(result.value ? "treatment" : "control");
    } finally {
      await closeClients();
      await server.close();
    }
  });

  it("with streaming off, polls with ETag (304 when unchanged) and still sees the change", async () => {
    const { server, admin, token } = await serverWithFlag();
    try {
      const recorder = recordingFetch();
      const c = client({
        url: server.url,
        token,
        streaming: false,
        pollIntervalMs: 40,
        fetch: recorder.fetch,
      });
      expect(await c.ready()).toBe("ready");
      await new Promise((r) => setTimeout(r, 150));
      expect(recorder.requests.some((r) => r.status === 304)).toBe(true);
      expect(recorder.streams()).toHaveLength(0);
      const conditional = recorder.requests.filter((r) => r.headers.get("if-none-match"));
      expect(conditional.length).toBeGreaterThan(0);

      const change = next(c, "change");
      await admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 100 });
      expect((await change).keys).toEqual(["checkout"]);
      expect(c.isEnabled("checkout", { userId: "anyone" })).toBe(true);
    } finally {
      await closeClients();
      await server.close();
    }
  });

  it("serves string, number and JSON flags with variant and reason, and every flag at once", async () => {
    const { server, admin, token } = await serverWithFlag();
    try {
      await admin("POST", "/api/flags", {
        key: "color",
        type: "string",
        variants: [
          { key: "control", value: "blue" },
          { key: "red", value: "red" },
        ],
      });
      await admin("POST", "/api/flags", {
        key: "limit",
        type: "number",
        variants: [
          { key: "low", value: 10 },
          { key: "high", value: 100 },
        ],
      });
      await admin("POST", "/api/flags", {
        key: "layout",
        type: "json",
        variants: [
          { key: "old", value: { columns: 1 } },
          { key: "new", value: { columns: 3 } },
        ],
      });
      await admin("PATCH", "/api/flags/color/environments/production", {
        rules: [{ conditions: [{ attribute: "country", operator: "in", values: ["DE"] }], variant: "red" }],
      });
      await admin("PATCH", "/api/flags/limit/environments/production", { percentage: 100 });
      const c = client({ url: server.url, token });
      expect(await c.ready()).toBe("ready");

      expect(c.getValue("color", { userId: "u", country: "DE" }, "green")).toBe("red");
      expect(c.getValue("color", { userId: "u", country: "FR" }, "green")).toBe("blue");
      expect(c.evaluate("color", { userId: "u", country: "DE" }, "green")).toMatchObject({
        value: "red",
        variant: "red",
        reason: "TARGETING_MATCH",
      });
      expect(c.getValue("limit", { userId: "u" }, 0)).toBe(100);
      expect(c.getValue("layout", { userId: "u" }, { columns: 2 })).toEqual({ columns: 1 });
      // Wrong type or unknown flag: the caller's default, with the reason.
      expect(c.getValue("limit", { userId: "u" }, "many")).toBe("many");
      expect(c.evaluate("limit", { userId: "u" }, "many")).toMatchObject({
        reason: "ERROR",
        errorCode: "TYPE_MISMATCH",
      });
      expect(c.evaluate("nope", {}, 1)).toMatchObject({
        value: 1,
        reason: "ERROR",
        errorCode: "FLAG_NOT_FOUND",
      });
      expect(c.isEnabled("color", { userId: "u" }, true)).toBe(true);

      const all = c.allFlags({ userId: "u", country: "DE" });
      expect(Object.keys(all).sort()).toEqual(["checkout", "color", "layout", "limit"]);
      expect(all.color).toMatchObject({ value: "red", reason: "TARGETING_MATCH" });
    } finally {
      await closeClients();
      await server.close();
    }
  });
});
