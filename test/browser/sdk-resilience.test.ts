import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../sdk/browser/index.js";

// The browser SDK's promise to pages: whatever the network, storage or the page's own listeners
// do, no call throws and `ready()` settles. Run in Node with fetch, EventSource and storage passed in.

const ok = (body: unknown, etag = '"t1"') =>
  new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", etag } });

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  } as Storage;
}

afterEach(() => vi.useRealTimers());

describe("the browser SDK never throws into the page", () => {
  it("settles ready(), marks values stale and retries with backoff when the server is unreachable", async () => {
    let calls = 0;
    const client = createClient({
      url: "http://rollguard.test",
      clientToken: "rg_client_x",
      stream: false,
      storage: null,
      backoff: { minMs: 10, maxMs: 40 },
      fetch: async () => {
        calls++;
        throw new TypeError("fetch failed");
      },
    });
    const events: string[] = [];
    client.on("stale", () => events.push("stale"));
    client.on("error", () => events.push("error"));
    await client.ready();
    expect(client.stale).toBe(true);
    expect(client.isEnabled("anything", true)).toBe(true);
    expect(client.evaluate("anything", 3)).toMatchObject({
      value: 3,
      errorCode: "FLAG_NOT_FOUND",
      stale: true,
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThan(12);
    expect(events.filter((e) => e === "stale")).toHaveLength(1);
    client.close();
  });

  it("stops on a refused token instead of hammering the server", async () => {
    let calls = 0;
    const client = createClient({
      url: "http://rollguard.test",
      clientToken: "bad",
      storage: null,
      backoff: { minMs: 5 },
      fetch: async () => {
        calls++;
        return new Response('{"detail":"unknown token"}', { status: 401 });
      },
    });
    const errors: string[] = [];
    client.on("error", (e) => errors.push(e.message));
    await client.ready();
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(1);
    expect(errors[0]).toMatch(/401/);
  });

  it("survives garbage answers, throwing storage, throwing listeners and odd input", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const throwing = {
        getItem: () => {
          throw new Error("denied");
        },
        setItem: () => {
          throw new Error("quota");
        },
        removeItem: () => {},
      };
      const client = createClient({
        url: "http://rollguard.test",
        clientToken: "t",
        stream: false,
        storage: throwing,
        fetch: async () => new Response("<html>", { status: 200 }),
      });
      client.on("change", () => {
        throw new Error("page bug");
      });
      await client.ready();
      expect(client.stale).toBe(true);
      for (const key of ["", "__proto__", "constructor", "toString"]) {
        expect(client.isEnabled(key)).toBe(false);
        expect(client.getValue(key, "d")).toBe("d");
      }
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(client.setContext(circular)).resolves.toBeUndefined();
      const c2 = createClient({
        url: "http://rollguard.test",
        clientToken: "t",
        stream: false,
        storage: memoryStorage(),
        fetch: async () => ok({ flags: { a: { value: true, variant: "on", reason: "SPLIT" } } }),
      });
      c2.on("change", () => {
        throw new Error("page bug");
      });
      await c2.ready();
      expect(c2.isEnabled("a")).toBe(true);
      await new Promise((r) => setTimeout(r, 10));
      // The page's own listener error is reported to the page, asynchronously, not swallowed.
      expect(uncaught.map(String)).toContain("Error: page bug");
      client.close();
      c2.close();
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("starts from storage (stale), then a 304 makes the same values fresh", async () => {
    const storage = memoryStorage();
    const flags = { banner: { value: true, variant: "true", reason: "SPLIT" } };
    const first = createClient({
      url: "http://rollguard.test",
      clientToken: "t",
      context: { userId: "u1" },
      stream: false,
      storage,
      fetch: async () => ok({ flags }, '"v1"'),
    });
    await first.ready();
    first.close();

    const seen: Array<string | null> = [];
    const second = createClient({
      url: "http://rollguard.test",
      clientToken: "t",
      context: { userId: "u1" },
      stream: false,
      storage,
      fetch: async (_url, init) => {
        seen.push(new Headers(init?.headers).get("if-none-match"));
        return new Response(null, { status: 304, headers: { etag: '"v1"' } });
      },
    });
    expect(second.stale).toBe(true);
    expect(second.isEnabled("banner")).toBe(true);
    await second.ready();
    expect(second.stale).toBe(false);
    expect(seen).toEqual(['"v1"']);
    // Another user's cache is another entry: nothing leaks across contexts.
    await second.setContext({ userId: "u2" });
    expect(seen[1]).toBeNull();
    second.close();
  });
});
