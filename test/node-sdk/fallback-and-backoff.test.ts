import { afterEach, describe, expect, it } from "vitest";
import { backoffDelay } from "../../sdk/core/backoff.js";
import { streamHubOf } from "../../server/streaming/feature.js";
import { eventually, sleep } from "../helpers/server-token.js";
import { client, closeClients, next, serverWithFlag } from "./sdk-fixture.js";

afterEach(closeClients);

describe("reconnect backoff", () => {
  it("doubles from the base up to the cap, drawn from the upper half of each step", () => {
    const low = (n: number) => backoffDelay(n, 1000, 30_000, () => 0);
    const high = (n: number) => backoffDelay(n, 1000, 30_000, () => 0.999_999);
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(low)).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    expect([1, 2, 6, 50].map(high)).toEqual([1000, 2000, 30_000, 30_000]);
  });
});

describe("Node SDK fallbacks against the real server", () => {
  it("polls after repeated stream failures, and stops polling once the stream is back", async () => {
    const { server, admin, token } = await serverWithFlag();
    try {
      let streamBroken = true;
      const seen: string[] = [];
      const flaky: typeof fetch = async (input, init) => {
        const url = String(input);
        seen.push(url.includes("/stream") ? "stream" : "poll");
        if (streamBroken && url.includes("/stream")) return new Response("down", { status: 503 });
        return fetch(input, init);
      };
      const c = client({
        url: server.url,
        token,
        fetch: flaky,
        streamFailuresBeforePolling: 2,
        pollIntervalMs: 30,
      });
      expect(await c.ready()).toBe("ready");
      expect(seen.slice(0, 3)).toEqual(["stream", "stream", "poll"]);
      const change = next(c, "change");
      await admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 100 });
      await change;
      expect(c.isEnabled("checkout", { userId: "u" })).toBe(true);

      streamBroken = false;
      const hub = streamHubOf(server.deps);
      await eventually(() => hub.connections === 1, 3000, "the stream back");
      await sleep(50);
      const polls = seen.filter((s) => s === "poll").length;
      await sleep(200);
      expect(seen.filter((s) => s === "poll").length).toBe(polls);
      const live = next(c, "change");
      await admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 0 });
      await live;
      expect(c.isEnabled("checkout", { userId: "u" }, true)).toBe(false);
    } finally {
      await closeClients();
      await server.close();
    }
  });

  it("treats a stream silent for longer than readTimeoutMs as dead and reconnects", async () => {
    const { server, token } = await serverWithFlag(); // heartbeat every 15 s: silent for this client
    try {
      let streams = 0;
      const counting: typeof fetch = (input, init) => {
        if (String(input).includes("/stream")) streams++;
        return fetch(input, init);
      };
      const c = client({ url: server.url, token, fetch: counting, readTimeoutMs: 150 });
      expect(await c.ready()).toBe("ready");
      await eventually(() => streams >= 3, 3000, "reconnects after silence");
      expect(c.status).not.toBe("failed");
    } finally {
      await closeClients();
      await server.close();
    }
  });
});
