import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";

// /openapi.json declares the 429 of the rate limits on exactly the operations that answer it, and
// a 400 on every operation that reads input (its checks: zod, and the evaluation context's
// bounds). Which operations answer 429 is found by asking the server, not by a list: once one
// failed authentication has used up the address's budget, every operation whose token check
// counts failures answers the next tokenless request with 429.

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

interface Operation {
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<
    string,
    { headers?: Record<string, { schema?: { type?: string } }>; content?: Record<string, unknown> }
  >;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

function operations(doc: Doc) {
  const out: Array<{ name: string; path: string; method: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ name: `${method} ${path}`, path, method, op });
    }
  return out;
}

describe("/openapi.json rate limits", () => {
  it("declares 429 (problem+json, Retry-After) on every operation that answers it, and on no other", async () => {
    const t = await testApp({ rateLimits: { authFailures: { requests: 1, perSeconds: 3600 } } });
    try {
      const doc = (await (await t.app.request("/openapi.json")).json()) as Doc;
      // The one failure the budget allows; every later one from this address is over it.
      expect((await t.app.request("/api/flags")).status).toBe(401);
      const answered: string[] = [];
      const declared: string[] = [];
      for (const { name, path, method, op } of operations(doc)) {
        const res = await t.app.request(path.replace(/\{[^}]+\}/g, "x"), {
          method: method.toUpperCase(),
          headers: { "content-type": "application/json" },
          body: method === "get" || method === "delete" ? undefined : "{}",
        });
        if (res.status === 429) {
          answered.push(name);
          expect(res.headers.get("content-type"), name).toMatch(/application\/problem\+json/);
          expect(Number(res.headers.get("retry-after")), name).toBeGreaterThan(0);
        } else expect([200, 401, 503], name).toContain(res.status);
        const declaration = op.responses["429"];
        if (declaration) {
          declared.push(name);
          expect(declaration.content, name).toHaveProperty(["application/problem+json"]);
          expect(declaration.headers?.["Retry-After"]?.schema?.type, name).toBe("integer");
        }
      }
      // Every operation but health takes a token, and every token check counts its failures.
      expect(answered.length).toBeGreaterThan(40);
      expect(declared.sort()).toEqual(answered.sort());
    } finally {
      await t.close();
    }
  });

  it("declares 400 on every operation that reads parameters or a body", async () => {
    const t = await testApp();
    try {
      const doc = (await (await t.app.request("/openapi.json")).json()) as Doc;
      const missing = operations(doc)
        .filter(({ op }) => (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined)
        .filter(({ op }) => op.responses["400"] === undefined)
        .map(({ name }) => name);
      expect(missing).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
