import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { adminStreamHubOf } from "../../server/streaming/index.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // Found by the API fuzz: a HEAD on a stream took over the response, then Hono wrote a second head
  // over it (ERR_HTTP_HEADERS_SENT) and the connection hung, registered for nobody.

  let server: Awaited<ReturnType<typeof startServer>>;
  let serverToken: string;
  let clientToken: string;
  beforeAll(async () => {
    server = await startServer({ dialect });
    const call = api(server.url);
    serverToken = (await call("POST", "/api/tokens", { scope: "server", environment: "production" })).body
      .token;
    clientToken = (await call("POST", "/api/tokens", { scope: "client", environment: "production" })).body
      .token;
  });
  afterAll(() => server.close());

  it("HEAD on every stream answers a stream's head and opens no stream", async () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const [path, token] of [
        ["/api/admin/stream", ADMIN],
        ["/api/sdk/stream", serverToken],
        ["/api/client/stream", clientToken],
      ] as const) {
        const res = await fetch(server.url + path, {
          method: "HEAD",
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(2000),
        });
        expect(res.status, path).toBe(200);
        expect(res.headers.get("content-type"), path).toMatch(/^text\/event-stream/);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(adminStreamHubOf(server.deps).connections).toBe(0);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
});
