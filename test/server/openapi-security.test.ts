import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";

// /openapi.json states `security` on every operation, and what it states is what the server does:
// an operation documented as protected refuses a request without a token, and only the
// documented open ones (health) answer without one.

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

describe("/openapi.json security", () => {
  it("declares security on every operation; the open ones are health only", async () => {
    const t = await testApp();
    try {
      const doc = (await (await t.app.request("/openapi.json")).json()) as {
        paths: Record<string, Record<string, { security?: unknown[] }>>;
        components: { securitySchemes: Record<string, unknown> };
      };
      expect(doc.components.securitySchemes.bearer).toEqual({ type: "http", scheme: "bearer" });
      const open: string[] = [];
      let operations = 0;
      for (const [path, item] of Object.entries(doc.paths))
        for (const method of METHODS) {
          const op = item[method];
          if (!op) continue;
          operations++;
          expect(op.security, `${method} ${path}`).toBeDefined();
          if (op.security!.length === 0) open.push(`${method} ${path}`);
          else expect(op.security).toEqual([{ bearer: [] }]);
        }
      expect(operations).toBeGreaterThan(40);
      expect(open.sort()).toEqual(["get /healthz", "get /readyz"]);
    } finally {
      t.close();
    }
  });

  it("refuses every protected operation without a token (401)", async () => {
    // Every request fails authentication from one address: the failure limit (its own test is in
    // test/hardening/rate-limits.test.ts) would answer 429 after 30.
    const t = await testApp({ rateLimits: { authFailures: null } });
    try {
      const doc = (await (await t.app.request("/openapi.json")).json()) as {
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      for (const [path, item] of Object.entries(doc.paths))
        for (const method of METHODS) {
          const op = item[method];
          if (!op || op.security?.length === 0) continue;
          const url = path.replace(/\{[^}]+\}/g, "x");
          const res = await t.app.request(url, {
            method: method.toUpperCase(),
            headers: { "content-type": "application/json" },
            body: method === "get" || method === "delete" ? undefined : "{}",
          });
          expect(res.status, `${method} ${path}`).toBe(401);
        }
    } finally {
      t.close();
    }
  });
});

describe("a JSON body sent without its content-type", () => {
  it("gets a 415 whose detail names application/json, and changes nothing", async () => {
    const t = await testApp();
    try {
      const res = await t.app.request("/api/flags", {
        method: "POST",
        headers: { authorization: "Bearer test-admin-secret" },
        body: '{"key":"typed","type":"boolean"}',
      });
      expect(res.status).toBe(415);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      const body = (await res.json()) as { detail: string };
      expect(body.detail).toContain("content-type: application/json");
      expect((await t.call("GET", "/api/flags/typed")).status).toBe(404);
    } finally {
      t.close();
    }
  });
});
