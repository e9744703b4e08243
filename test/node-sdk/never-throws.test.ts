import { afterEach, describe, expect, it } from "vitest";
import type { FlagConfig } from "../../sdk/core/index.js";
import { Emitter } from "../../sdk/node/emitter.js";
import type { RollguardClient } from "../../sdk/node/index.js";
import { booleanConfig, rule, stringConfig } from "../core/flag-fixtures.js";
import { mulberry32, pick, randomInt } from "../helpers/prng.js";
import { freePort } from "../helpers/server.js";
import { client, closeClients } from "./sdk-fixture.js";

afterEach(closeClients);

const thrower = () => {
  throw new Error("boom");
};

/** Values a caller might pass by mistake or malice, including ones that throw when touched. */
function oddValues(random: () => number): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 200; i++) cursor = cursor.next = {} as Record<string, unknown>;
  return [
    undefined,
    null,
    0,
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    10n,
    "",
    "x".repeat(1_000_000),
    "\u0000\uffff\ud800",
    true,
    Symbol("odd"),
    [],
    [1, 2, 3],
    () => 1,
    new Date(Number.NaN),
    new Map([["userId", "u"]]),
    Object.create(null),
    Object.freeze({ userId: "frozen" }),
    { userId: 42 },
    { userId: { nested: { deeper: [1, { userId: "x" }] } } },
    { userId: Symbol("u") },
    { userId: 10n },
    { userId: "x".repeat(100_000), country: "DE" },
    { targetingKey: null, userId: undefined },
    { country: ["DE"], email: 5, version: {}, plan: null, age: "old", signup: Symbol("d") },
    { __proto__: { userId: "inherited" } },
    { toString: thrower, valueOf: thrower },
    Object.defineProperty({}, "userId", { get: thrower, enumerable: true }),
    Object.defineProperty({}, "country", { get: thrower, enumerable: true }),
    new Proxy({}, { get: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower }),
    new Proxy({}, { getPrototypeOf: thrower }),
    new Proxy(() => {}, { get: thrower, apply: thrower }),
    revoked.proxy,
    deep,
    { userId: `user-${randomInt(random, 1e9)}`, country: pick(random, ["DE", "FR", "US"]) },
  ];
}

const flags: FlagConfig[] = [
  booleanConfig({
    key: "checkout",
    salt: "checkout",
    percentage: 50,
    rules: [
      rule("country", [{ attribute: "country", operator: "in", values: ["DE", "AT"] }], { percentage: 100 }),
      rule("email", [{ attribute: "email", operator: "ends_with", values: ["@example.com"] }], {
        variant: "true",
      }),
      rule("version", [{ attribute: "version", operator: "semver_gt", values: ["2.0.0"] }], {
        variant: "false",
      }),
      rule("age", [{ attribute: "age", operator: "gte", values: [18] }], { variant: "true" }),
      rule("signup", [{ attribute: "signup", operator: "date_after", values: ["2024-01-01T00:00:00Z"] }], {
        variant: "true",
      }),
    ],
  }),
  stringConfig({ key: "banner", salt: "banner", percentage: 30 }),
];

describe("the Node SDK's public evaluation methods never throw", () => {
  it("for any key, context and default (seeded fuzz), loaded or not", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const loaded = client({ url, token: "t", bootstrap: flags, streaming: false, pollIntervalMs: 60_000 });
    const empty = client({ url, token: "t", streaming: false, pollIntervalMs: 60_000 });
    for (const c of [loaded, empty]) {
      c.on("error", thrower); // a listener that throws must not matter either
      c.addHook(thrower);
    }
    const random = mulberry32(20_241_122);
    const values = oddValues(random);
    const keys: unknown[] = ["checkout", "banner", "missing", ...values];
    const calls: Array<(c: RollguardClient, key: unknown, context: unknown, fallback: unknown) => unknown> = [
      (c, k, ctx, d) => c.isEnabled(k as string, ctx as never, d as boolean),
      (c, k, ctx) => c.isEnabled(k as string, ctx as never),
      (c, k, ctx, d) => c.getValue(k as string, ctx as never, d as string),
      (c, k, ctx, d) => c.evaluate(k as string, ctx as never, d as string),
      (c, _k, ctx) => c.allFlags(ctx as never),
    ];
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      const c = pick(random, [loaded, empty]);
      const key = random() < 0.6 ? pick(random, ["checkout", "banner"]) : pick(random, keys);
      const context = pick(random, values);
      const fallback = random() < 0.5 ? pick(random, [true, false]) : pick(random, values);
      const call = pick(random, calls);
      let result: unknown;
      expect(() => {
        result = call(c, key, context, fallback);
      }).not.toThrow();
      if (call === calls[0] || call === calls[1]) expect(typeof result).toBe("boolean");
      checked++;
    }
    expect(checked).toBe(4000);
  });

  it("gives isEnabled's default when the flag cannot be evaluated, and a decision when it can", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const c = client({ url, token: "t", bootstrap: flags, streaming: false, pollIntervalMs: 60_000 });
    const evilContext = new Proxy({}, { get: thrower });
    expect(c.isEnabled("checkout", evilContext, true)).toBe(true);
    expect(c.isEnabled("checkout", evilContext, false)).toBe(false);
    expect(c.isEnabled("banner", { userId: "u" }, true)).toBe(true); // not a boolean flag
    expect(c.isEnabled("checkout", { userId: "u", country: "DE" })).toBe(true);
    expect(c.isEnabled("checkout", { userId: "u", email: "a@example.com", country: "FR" })).toBe(true);
  });
});

describe("the SDK's emitter", () => {
  it("ignores an error with no listener and survives a listener that throws", () => {
    const events = new Emitter<{ error: { error: Error }; change: { keys: string[] } }>();
    expect(() => events.emit("error", { error: new Error("nobody listens") })).not.toThrow();
    const seen: string[][] = [];
    events.on("change", thrower);
    const off = events.on("change", (e) => seen.push(e.keys));
    events.once("change", (e) => seen.push(["once", ...e.keys]));
    expect(() => events.emit("change", { keys: ["a"] })).not.toThrow();
    events.emit("change", { keys: ["b"] });
    off();
    events.emit("change", { keys: ["c"] });
    expect(seen).toEqual([["a"], ["once", "a"], ["b"]]);
  });
});
