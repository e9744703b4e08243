import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { openSse } from "../helpers/sse-reader.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // The browser stream opened with a short-lived ticket bought with the client token (in a header),
  // on a real server whose clock the test moves.
  const SHOP = "https://shop.example";
  let now = Date.parse("2027-03-01T10:00:00Z");
  let server: Awaited<ReturnType<typeof startServer>>;
  let token: string;
  let tokenId: string;
  beforeAll(async () => {
    server = await startServer({ dialect, clock: { now: () => now } });
    await api(server.url)("POST", "/api/flags", { key: "banner", type: "boolean", clientVisible: true });
    const created = await api(server.url)("POST", "/api/tokens", {
      scope: "client",
      environment: "production",
      allowedOrigins: [SHOP],
    });
    token = created.body.token;
    tokenId = created.body.id;
  });
  afterAll(() => server.close());

  const context = Buffer.from(JSON.stringify({ userId: "u1" })).toString("base64url");
  const streamWith = (ticket: string, headers: Record<string, string> = {}) =>
    openSse(
      `${server.url}/api/client/stream?ticket=${encodeURIComponent(ticket)}&context=${context}`,
      headers,
    );
  async function ticketFor(secret: string, headers: Record<string, string> = {}) {
    return api(server.url, secret)("POST", "/api/client/stream-ticket", undefined, headers);
  }

  describe("stream tickets", () => {
    it("a ticket from the token in a header opens the stream; it holds neither the secret nor for long", async () => {
      const res = await ticketFor(token, { origin: SHOP });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
      expect(res.body.expiresAt).toBe(new Date(now + 60_000).toISOString());
      expect(res.body.ticket).not.toContain(token);
      expect(res.body.ticket).not.toContain(token.slice("rg_client_".length, 20));
      const sse = await streamWith(res.body.ticket, { origin: SHOP });
      expect(sse.res.status).toBe(200);
      expect((await sse.next())?.event).toBe("put");
      sse.close();
    });

    it("refuses a tampered, expired or foreign ticket, and a ticket anywhere but the stream", async () => {
      const { ticket } = (await ticketFor(token)).body as { ticket: string };
      const [id, exp, mac] = ticket.split(".") as [string, string, string];
      const flipped = `${id}.${exp}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
      const later = `${id}.${(Number.parseInt(exp, 36) + 60_000).toString(36)}.${mac}`;
      for (const bad of [flipped, later, "nonsense", `${id}.${exp}`]) {
        const sse = await streamWith(bad);
        expect(sse.res.status, bad).toBe(401);
        expect((await sse.res.json()).detail).toMatch(/POST \/api\/client\/stream-ticket/);
      }
      // Only the stream takes it: not the evaluate route, not as a bearer token.
      const evaluate = (init: RequestInit) =>
        fetch(`${server.url}/api/client/evaluate?ticket=${ticket}`, init);
      expect((await evaluate({ method: "POST", body: "{}" })).status).toBe(401);
      expect(
        (await evaluate({ method: "POST", body: "{}", headers: { authorization: `Bearer ${ticket}` } }))
          .status,
      ).toBe(401);
      // The token's own origins still hold.
      const foreign = await streamWith(ticket, { origin: "https://evil.example" });
      expect(foreign.res.status).toBe(403);
      // Sixty seconds later it is spent.
      now += 60_000;
      expect((await streamWith(ticket)).res.status).toBe(401);
    });

    it("needs a client token to buy one; revoking the token ends its tickets", async () => {
      expect((await ticketFor("")).status).toBe(401);
      const sdk = await api(server.url)("POST", "/api/tokens", {
        scope: "server",
        environment: "production",
      });
      expect((await ticketFor(sdk.body.token)).status).toBe(200);
      const reader = await api(server.url)("POST", "/api/tokens", { scope: "read" });
      expect((await ticketFor(reader.body.token)).status).toBe(403);
      const { ticket } = (await ticketFor(token)).body as { ticket: string };
      await api(server.url, ADMIN)("DELETE", `/api/tokens/${tokenId}`);
      expect((await streamWith(ticket)).res.status).toBe(401);
    });

    it("the deprecated ?token= form still opens the stream", async () => {
      const created = await api(server.url)("POST", "/api/tokens", {
        scope: "client",
        environment: "production",
      });
      const sse = await openSse(
        `${server.url}/api/client/stream?token=${created.body.token}&context=${context}`,
      );
      expect(sse.res.status).toBe(200);
      expect((await sse.next())?.event).toBe("put");
      sse.close();
    });
  });
});
