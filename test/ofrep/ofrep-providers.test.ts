import { OFREPProvider } from "@openfeature/ofrep-provider";
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import { OpenFeature as ServerFeatures } from "@openfeature/server-sdk";
import { OpenFeature as WebFeatures } from "@openfeature/web-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFixture } from "../helpers/client-fixture.js";
import { dialects } from "../helpers/postgres.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // Rollguard through the official OpenFeature providers, as any OpenFeature user would reach it.

  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let serverToken: string;
  let clientToken: string;

  beforeAll(async () => {
    fx = await clientFixture({ dialect });
    serverToken = await fx.token("server");
    clientToken = await fx.token("client");
    await ServerFeatures.setProviderAndWait(
      "rollguard",
      new OFREPProvider({ baseUrl: fx.url, headers: [["Authorization", `Bearer ${serverToken}`]] }),
    );
    await ServerFeatures.setProviderAndWait(
      "bad-token",
      new OFREPProvider({ baseUrl: fx.url, headers: [["Authorization", "Bearer rg_server_not-a-token"]] }),
    );
  });
  afterAll(async () => {
    await ServerFeatures.close();
    await WebFeatures.close();
    await fx.server.close();
  });

  describe("@openfeature/server-sdk with @openfeature/ofrep-provider (server token)", () => {
    const client = () => ServerFeatures.getClient("rollguard");

    it("resolves boolean, string, number and object flags with variant, reason and metadata", async () => {
      const banner = await client().getBooleanDetails("banner", true, { targetingKey: "s-1" });
      expect(banner).toMatchObject({ value: false, variant: "false", reason: "DEFAULT" });
      expect(banner.errorCode).toBeUndefined();
      expect(banner.flagMetadata).toMatchObject({ type: "boolean" });

      const headline = await client().getStringDetails("headline", "fallback", {
        targetingKey: "s-1",
        country: "DE",
      });
      expect(headline).toMatchObject({ value: "WELCOME!", variant: "bold", reason: "TARGETING_MATCH" });

      expect(await client().getNumberValue("limit", 0, { targetingKey: "s-1" })).toBe(100);
      expect(await client().getObjectValue("theme", {}, { targetingKey: "s-1" })).toEqual({ bg: "white" });
      // A server token sees every flag, client-visible or not.
      expect(await client().getStringValue("internal", "", { targetingKey: "s-1" })).toMatch(/^secret-[ab]$/);
    });

    it("follows a change at once (it evaluates per call)", async () => {
      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 100 });
      expect(await client().getBooleanValue("banner", false, { targetingKey: "s-1" })).toBe(true);
      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 0 });
      expect(await client().getBooleanValue("banner", true, { targetingKey: "s-1" })).toBe(false);
    });

    it("evaluates the context it is given", async () => {
      const de = await client().getStringValue("headline", "", { targetingKey: "s-2", country: "DE" });
      const elsewhere = new Set<string>();
      for (let i = 0; i < 20; i++)
        elsewhere.add(await client().getStringValue("headline", "", { targetingKey: `s-${i}` }));
      expect(de).toBe("WELCOME!");
      expect([...elsewhere].sort()).toEqual(["WELCOME!", "Welcome"]);
    });

    it("reports a missing flag, a type mismatch and a missing targeting key with the caller's default", async () => {
      const missing = await client().getBooleanDetails("no-such-flag", true, { targetingKey: "s-1" });
      expect(missing).toMatchObject({ value: true, reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
      const mismatch = await client().getNumberDetails("banner", 7, { targetingKey: "s-1" });
      expect(mismatch).toMatchObject({ value: 7, reason: "ERROR", errorCode: "TYPE_MISMATCH" });
      // headline is at 50%: without a targeting key nobody can be bucketed.
      const noKey = await client().getStringDetails("headline", "fallback", {});
      expect(noKey).toMatchObject({ value: "fallback", reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" });
    });

    it("falls back to the default on a bad token", async () => {
      const bad = await ServerFeatures.getClient("bad-token").getBooleanDetails("banner", true, {
        targetingKey: "s-1",
      });
      expect(bad.value).toBe(true);
      expect(bad.reason).toBe("ERROR");
      expect(bad.errorCode).toBeDefined();
      // The provider turns the server's 401 into an error result (the raw 401 is in ofrep-http.test.ts).
    });
  });

  describe("@openfeature/web-sdk with @openfeature/ofrep-web-provider (client token)", () => {
    const webProvider = (token: string) =>
      new OFREPWebProvider({
        baseUrl: fx.url,
        headers: [["Authorization", `Bearer ${token}`]],
        fetchImplementation: (input, init) => fetch(input, init),
        cacheMode: "disabled",
        changeDetection: "none",
        disableVisibilityRefresh: true,
      });

    it("evaluates the client-visible flags of one context in bulk, synchronously afterwards", async () => {
      await WebFeatures.setProviderAndWait("web", webProvider(clientToken), {
        targetingKey: "w-1",
        country: "US",
      });
      const client = WebFeatures.getClient("web");
      expect(client.getBooleanDetails("banner", true)).toMatchObject({
        value: false,
        variant: "false",
        reason: "DEFAULT",
      });
      expect(client.getStringValue("headline", "")).toMatch(/^(Welcome|WELCOME!)$/);
      expect(client.getNumberValue("limit", 0)).toBe(100);
      expect(client.getObjectValue("theme", {})).toEqual({ bg: "white" });
      expect(client.getNumberDetails("banner", 3)).toMatchObject({ value: 3, errorCode: "TYPE_MISMATCH" });
      expect(client.getBooleanDetails("no-such-flag", true)).toMatchObject({
        value: true,
        errorCode: "FLAG_NOT_FOUND",
      });
      // Not client-visible: to a client token it does not exist.
      expect(client.getStringDetails("internal", "x")).toMatchObject({
        value: "x",
        errorCode: "FLAG_NOT_FOUND",
      });
    });

    it("re-evaluates when the context changes, even with the same targeting key and a kept ETag", async () => {
      const client = WebFeatures.getClient("web");
      await WebFeatures.setContext("web", { targetingKey: "w-1", country: "DE" });
      expect(client.getStringDetails("headline", "")).toMatchObject({
        value: "WELCOME!",
        reason: "TARGETING_MATCH",
      });
      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 100 });
      await WebFeatures.setContext("web", { targetingKey: "w-2", country: "DE" });
      expect(client.getBooleanValue("banner", false)).toBe(true);
      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 0 });
    });

    it("does not start with a bad token", async () => {
      await expect(
        WebFeatures.setProviderAndWait("web-bad", webProvider("rg_client_not-a-token"), {
          targetingKey: "w-1",
        }),
      ).rejects.toThrow();
      const details = WebFeatures.getClient("web-bad").getBooleanDetails("banner", true);
      expect(details.value).toBe(true);
      expect(details.errorCode).toBeDefined();
    });
  });
});
