import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFixture } from "../helpers/client-fixture.js";
import { dialects } from "../helpers/postgres.js";
import { openSse } from "../helpers/sse-reader.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // What a browser (client token) must never learn, whatever it calls: configuration (rules,
  // percentages, salts, weights, stickiness), the users named in rules, and anything about flags
  // that are not client-visible (here `internal`, at 37.5%, with values "secret-a"/"secret-b").
  const FORBIDDEN = [
    "rules",
    "conditions",
    "percentage",
    "salt",
    "weights",
    "stickiness",
    "vip-alice",
    "37.5",
    "secret-a",
    "secret-b",
    '"internal"',
  ];

  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let clientToken: string;
  let serverTokenId: string;

  beforeAll(async () => {
    fx = await clientFixture({ dialect });
    // A rule that names a user: evaluating as someone else must not reveal who is on the list.
    await fx.must("PATCH", "/api/flags/banner/environments/production", {
      rules: [
        {
          id: "vips",
          conditions: [{ attribute: "userId", operator: "in", values: ["vip-alice"] }],
          variant: "true",
        },
      ],
    });
    clientToken = await fx.token("client", { allowedOrigins: ["https://shop.example"] });
    serverTokenId = (await fx.must("POST", "/api/tokens", { scope: "server", environment: "production" })).id;
  });
  afterAll(() => fx.server.close());

  function leaks(text: string): string[] {
    return FORBIDDEN.filter((word) => text.includes(word));
  }

  function fillPath(path: string): string {
    return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (/key|flag/i.test(name)) return "internal";
      if (/env/i.test(name)) return "production";
      if (/id/i.test(name)) return serverTokenId;
      return "x";
    });
  }

  describe("a client token reads no configuration and no hidden flag, through any endpoint", () => {
    it("every route of /openapi.json refuses it or answers without secrets", async () => {
      const doc = await (await fetch(`${fx.url}/openapi.json`)).json();
      const tried: string[] = [];
      for (const [path, ops] of Object.entries<Record<string, { responses?: Record<string, unknown> }>>(
        doc.paths,
      )) {
        for (const [method, op] of Object.entries(ops)) {
          if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
          const url = `${fx.url}${fillPath(path)}`;
          const streams = JSON.stringify(op.responses ?? {}).includes("text/event-stream");
          for (const context of [
            { userId: "somebody" },
            { userId: "vip-alice", targetingKey: "vip-alice" },
          ]) {
            let status: number;
            let text = "";
            if (streams) {
              const sse = await openSse(`${url}?token=${clientToken}`, {
                authorization: `Bearer ${clientToken}`,
              });
              status = sse.res.status;
              if (status === 200)
                for (let e = await sse.next(300); e; e = await sse.next(100)) text += e.data;
              else text = await sse.res.text();
              sse.close();
            } else {
              const res = await fetch(url, {
                method: method.toUpperCase(),
                headers: { authorization: `Bearer ${clientToken}`, "content-type": "application/json" },
                body:
                  method === "get" || method === "delete"
                    ? undefined
                    : JSON.stringify({ context, percentage: 100, clientVisible: true }),
              });
              status = res.status;
              text = await res.text();
            }
            tried.push(`${method.toUpperCase()} ${path} → ${status}`);
            if (status >= 400) continue;
            expect(
              leaks(text),
              `${method.toUpperCase()} ${path} answered ${status}: ${text.slice(0, 300)}`,
            ).toEqual([]);
          }
        }
      }
      // The browser routes answered; the REST and server-SDK routes did not.
      const answered = tried.filter((t) => / → (200|204|304)$/.test(t));
      expect(answered.some((t) => t.startsWith("POST /api/client/evaluate"))).toBe(true);
      expect(answered.some((t) => t.startsWith("GET /api/client/stream"))).toBe(true);
      expect(answered.some((t) => t.startsWith("POST /ofrep/v1/evaluate/flags "))).toBe(true);
      for (const forbidden of [
        "GET /api/flags/{key}",
        "GET /api/sdk/flags",
        "GET /api/sdk/stream",
        "POST /api/sdk/evaluate",
        "GET /api/audit",
      ])
        if (tried.some((t) => t.startsWith(`${forbidden} `)))
          expect(
            tried.filter((t) => t.startsWith(`${forbidden} `)).every((t) => / → 40[134]$/.test(t)),
            forbidden,
          ).toBe(true);
      expect(tried.length).toBeGreaterThan(20);

      // Nothing it sent was written.
      const internal = await fx.must("GET", "/api/flags/internal");
      expect(internal.clientVisible).toBe(false);
      expect(internal.environments.production.percentage).toBe(37.5);
    });

    it("a hidden flag looks exactly like a missing one over OFREP", async () => {
      const call = (key: string) =>
        fetch(`${fx.url}/ofrep/v1/evaluate/flags/${key}`, {
          method: "POST",
          headers: { authorization: `Bearer ${clientToken}`, "content-type": "application/json" },
          body: JSON.stringify({ context: { targetingKey: "u" } }),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const hidden = await call("internal");
      const missing = await call("no-such-flag");
      expect(hidden.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(hidden.body).toEqual({
        ...missing.body,
        key: "internal",
        errorDetails: missing.body.errorDetails.replace("no-such-flag", "internal"),
      });
    });

    it("a tag learnt for one user does not answer for another", async () => {
      const post = (userId: string, etag?: string) =>
        fetch(`${fx.url}/api/client/evaluate`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${clientToken}`,
            "content-type": "application/json",
            ...(etag ? { "if-none-match": etag } : {}),
          },
          body: JSON.stringify({ context: { userId } }),
        });
      const alice = await post("vip-alice");
      expect((await alice.json()).flags.banner.reason).toBe("TARGETING_MATCH");
      const bob = await post("bob", alice.headers.get("etag")!);
      expect(bob.status).toBe(200);
      expect((await bob.json()).flags.banner.value).toBe(false);
    });
  });
});
