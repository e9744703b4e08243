import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFixture } from "../helpers/client-fixture.js";
import { dialects } from "../helpers/postgres.js";
import { openSse } from "../helpers/sse-reader.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let token: string;

  beforeAll(async () => {
    fx = await clientFixture({ dialect, stream: { heartbeatMs: 100 } });
    token = await fx.token("client");
  });
  afterAll(() => fx.server.close());

  const streamUrl = (context: unknown, t = token) =>
    `${fx.url}/api/client/stream?token=${encodeURIComponent(t)}&context=${Buffer.from(JSON.stringify(context)).toString("base64url")}`;

  describe("GET /api/client/stream", () => {
    it("sends every value first, then only what changed for this context", async () => {
      const de = await openSse(streamUrl({ userId: "stream-1", country: "DE" }));
      const us = await openSse(streamUrl({ userId: "stream-1", country: "US" }));
      expect(de.res.headers.get("content-type")).toMatch(/text\/event-stream/);
      const put = await de.next();
      expect(put?.event).toBe("put");
      const flags = JSON.parse(put!.data).flags;
      expect(Object.keys(flags).sort()).toEqual(["banner", "headline", "limit", "theme"]);
      expect(flags.headline.variant).toBe("bold");
      expect((await us.next())?.event).toBe("put");

      // A change that moves nobody sends nothing; one that does sends only that flag.
      await fx.must("PATCH", "/api/flags/internal/environments/production", { percentage: 90 });
      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 100 });
      const patch = await de.next();
      expect(patch?.event).toBe("patch");
      expect(JSON.parse(patch!.data)).toEqual({
        flags: { banner: { value: true, variant: "true", reason: "DEFAULT", arm: "treatment" } },
      });
      expect(Number(patch?.id)).toBeGreaterThan(Number(put?.id));
      expect((await us.next())?.data).toBe(patch?.data);

      // Germans always get the rule's variant: the percentage moves only the others.
      await fx.must("PATCH", "/api/flags/headline/environments/production", { percentage: 100 });
      const usPatch = await us.next();
      expect(JSON.parse(usPatch!.data).flags.headline.variant).toBeDefined();
      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 0 });
      expect(JSON.parse((await de.next())!.data).flags).toEqual({
        banner: { value: false, variant: "false", reason: "DEFAULT", arm: "control" },
      });
      de.close();
      us.close();
    });

    it("sends null when a flag stops being client-visible, and its value when it comes back", async () => {
      const s = await openSse(streamUrl({ userId: "stream-2" }));
      await s.next();
      await fx.must("PATCH", "/api/flags/theme", { clientVisible: false });
      expect(JSON.parse((await s.next())!.data)).toEqual({ flags: { theme: null } });
      await fx.must("PATCH", "/api/flags/internal", { description: "still hidden" });
      await fx.must("PATCH", "/api/flags/theme", { clientVisible: true });
      expect(JSON.parse((await s.next())!.data)).toEqual({
        flags: { theme: { value: { bg: "white" }, variant: "light", reason: "DEFAULT", arm: "control" } },
      });
      s.close();
    });

    it("keeps the stream alive with heartbeats and ends it when the token is revoked", async () => {
      const created = await fx.must("POST", "/api/tokens", { scope: "client", environment: "production" });
      const s = await openSse(streamUrl({}, created.token));
      expect((await s.next())?.event).toBe("put");
      await fx.must("DELETE", `/api/tokens/${created.id}`);
      const started = Date.now();
      expect(await s.next(2000)).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(1500);
      const again = await openSse(streamUrl({}, created.token));
      expect(again.res.status).toBe(401);
    });

    it("refuses a context that is not base64url JSON of an object, and non-client tokens it does not know", async () => {
      const bad = await fetch(`${fx.url}/api/client/stream?token=${token}&context=%%%`);
      expect(bad.status).toBe(400);
      const notObject = await fetch(
        `${fx.url}/api/client/stream?token=${token}&context=${Buffer.from("[1]").toString("base64url")}`,
      );
      expect(notObject.status).toBe(400);
      expect((await fetch(`${fx.url}/api/client/stream?token=nope`)).status).toBe(401);
    });
  });
});
