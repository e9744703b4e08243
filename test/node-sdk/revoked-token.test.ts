import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../helpers/server-token.js";
import { recordingFetch } from "./recording-fetch.js";
import { client, closeClients, next, serverWithFlag } from "./sdk-fixture.js";

afterEach(closeClients);

describe("Node SDK with a revoked or wrong token", () => {
  it("stops retrying once its token is revoked, and raises error", async () => {
    // A short heartbeat: the hub ends a revoked token's stream at the next beat.
    const { server, admin, token, tokenId } = await serverWithFlag({ stream: { heartbeatMs: 50 } });
    try {
      const net = recordingFetch();
      const c = client({ url: server.url, token, fetch: net.fetch });
      expect(await c.ready()).toBe("ready");
      const refused = next(c, "error", (e) => e.error.code === "UNAUTHORIZED");
      expect((await admin("DELETE", `/api/tokens/${tokenId}`)).status).toBe(200);
      const { error } = await refused;
      expect(error.status).toBe(401);
      expect(c.status).toBe("failed");
      expect(await c.ready()).toBe("failed");

      const count = net.requests.length;
      expect(net.requests.at(-1)!.status).toBe(401);
      await sleep(800); // many reconnect periods at this client's 50–200 ms backoff
      expect(net.requests.length).toBe(count);
      // It keeps serving the flags it had.
      expect(c.evaluate("checkout", { userId: "u" }, true).reason).not.toBe("ERROR");
    } finally {
      await closeClients();
      await server.close();
    }
  });

  it("makes one request with a wrong token, streaming or polling, and resolves ready() with failed", async () => {
    const { server } = await serverWithFlag();
    try {
      for (const streaming of [true, false]) {
        const net = recordingFetch();
        const c = client({
          url: server.url,
          token: "rg_wrong",
          fetch: net.fetch,
          streaming,
          pollIntervalMs: 20,
        });
        const errors: string[] = [];
        c.on("error", (e) => errors.push(e.error.code));
        expect(await c.ready({ timeoutMs: 2000 })).toBe("failed");
        await sleep(300);
        expect(net.requests.map((r) => r.status)).toEqual([401]);
        expect(errors).toEqual(["UNAUTHORIZED"]);
      }
    } finally {
      await closeClients();
      await server.close();
    }
  });
});
