import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTEXT_LIMITS } from "../../server/evaluation/context-reader.js";
import { api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";

// Every evaluation endpoint holds a context to the same stated bounds before any work, with a
// 400 (OFREP: INVALID_CONTEXT): a deeply nested or huge context is refused, never a 500.

let server: Awaited<ReturnType<typeof startServer>>;
let sdk: string;
let client: string;
beforeAll(async () => {
  server = await startServer();
  await api(server.url)("POST", "/api/flags", { key: "f", type: "boolean", clientVisible: true });
  sdk = (await createToken(server.url, "server")).token;
  client = (await createToken(server.url, "client")).token;
});
afterAll(() => server.close());

/** `levels` objects inside each other, as JSON text (JSON.stringify itself would overflow). */
const nested = (levels: number) => `${'{"v":'.repeat(levels)}"leaf"${"}".repeat(levels)}`;
const json = (v: unknown) => JSON.stringify(v);

/** A context (as JSON text), and what the refusal says. */
const bad: Array<[string, string, RegExp]> = [
  ["10,000 levels deep", `{"deep":${nested(10_000)}}`, /nested at most 4 levels/],
  [
    "too many attributes",
    json(Object.fromEntries(Array.from({ length: 101 }, (_, k) => [`a${k}`, k]))),
    /at most 100 attributes/,
  ],
  ["too many values", json({ list: Array.from({ length: 1001 }, (_, k) => k) }), /at most 1000 values/],
  ["a long string", json({ userId: "x".repeat(4097) }), /at most 4096 characters/],
];

describe("evaluation context bounds", () => {
  it("states them", () => {
    expect(CONTEXT_LIMITS).toEqual({ attributes: 100, depth: 4, values: 1000, stringLength: 4096 });
  });

  for (const [name, context, detail] of bad)
    it(`refuses ${name} on every evaluation endpoint`, async () => {
      const body = `{"context":${context}}`;
      const post = (path: string, token: string) =>
        fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body,
        });
      for (const [path, token] of [
        ["/api/sdk/evaluate", sdk],
        ["/api/client/evaluate", client],
      ] as const) {
        const res = await post(path, token);
        expect(res.status, path).toBe(400);
        expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
      }
      for (const path of ["/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags/f"]) {
        const res = await post(path, sdk);
        expect(res.status, path).toBe(400);
        expect(await res.json()).toMatchObject({
          errorCode: "INVALID_CONTEXT",
          errorDetails: expect.stringMatching(detail),
        });
      }
    });

  it("takes a context at the bounds", async () => {
    const context = `{"deep":${nested(3)},"userId":"${"x".repeat(4096)}"}`;
    const res = await fetch(`${server.url}/api/client/evaluate`, {
      method: "POST",
      headers: { authorization: `Bearer ${client}`, "content-type": "application/json" },
      body: `{"context":${context}}`,
    });
    expect(res.status).toBe(200);
  });
});
