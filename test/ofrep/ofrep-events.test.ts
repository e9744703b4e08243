import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { streamStats } from "../../server/streaming/index.js";
import { launchChromium, skipBrowser, staticServer } from "../browser/harness.js";
import { clientFixture } from "../helpers/client-fixture.js";
import { openSse } from "../helpers/sse-reader.js";

// The official OpenFeature web provider, in Chromium, on a page of another origin: it follows the
// `eventStreams` of its bulk evaluation and re-evaluates when Rollguard says a change happened.

/** @openfeature/web-sdk with @openfeature/ofrep-web-provider, bundled for the page as window.OF. */
async function providerBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `
        import { OpenFeature, ProviderEvents } from "@openfeature/web-sdk";
        import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
        window.OF = { OpenFeature, OFREPWebProvider, ProviderEvents };`,
      resolveDir: new URL("../..", import.meta.url).pathname,
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    write: false,
  });
  return result.outputFiles[0]!.text;
}

interface PageLibs {
  OpenFeature: typeof import("@openfeature/web-sdk").OpenFeature;
  OFREPWebProvider: typeof import("@openfeature/ofrep-web-provider").OFREPWebProvider;
  ProviderEvents: typeof import("@openfeature/web-sdk").ProviderEvents;
}

let fx: Awaited<ReturnType<typeof clientFixture>>;
let site: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;

beforeAll(async () => {
  fx = await clientFixture({ stream: { heartbeatMs: 200 } });
  site = await staticServer({
    "/": { type: "text/html", body: "<!doctype html><title>ofrep</title>" },
    "/of.js": { type: "text/javascript", body: await providerBundle() },
  });
  if (!skipBrowser) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await fx?.server.close();
});

async function openPage(token: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${site.origin}/`);
  await page.addScriptTag({ url: `${site.origin}/of.js` });
  await page.evaluate(
    async ({ url, token }) => {
      const { OpenFeature, OFREPWebProvider, ProviderEvents } = (window as never as { OF: PageLibs }).OF;
      const w = window as never as Record<string, unknown>;
      w.changes = [] as string[][];
      // Polling off: only the event stream can bring a change.
      const provider = new OFREPWebProvider({
        baseUrl: url,
        pollInterval: 0,
        headers: [["Authorization", `Bearer ${token}`]],
      });
      await OpenFeature.setContext({ targetingKey: "user-1" });
      await OpenFeature.setProviderAndWait(provider);
      const client = OpenFeature.getClient();
      client.addHandler(ProviderEvents.ConfigurationChanged, (e) =>
        (w.changes as string[][]).push(e?.flagsChanged ?? []),
      );
      w.banner = () => client.getBooleanValue("banner", false);
    },
    { url: fx.url, token },
  );
  return page;
}

describe.skipIf(skipBrowser)("@openfeature/ofrep-web-provider in Chromium", () => {
  it("hears of a PATCH over the event stream and re-evaluates, with polling off", async () => {
    const token = await fx.token("client", { allowedOrigins: [site.origin] });
    const page = await openPage(token);
    expect(await page.evaluate(() => (window as never as { banner: () => boolean }).banner())).toBe(false);

    await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 100 });
    await page.waitForFunction(() => (window as never as { banner: () => boolean }).banner() === true, null, {
      timeout: 5000,
    });
    const changes = await page.evaluate(() => (window as never as { changes: string[][] }).changes);
    expect(changes.flat()).toContain("banner");

    await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 0 });
    await page.waitForFunction(
      () => (window as never as { banner: () => boolean }).banner() === false,
      null,
      {
        timeout: 5000,
      },
    );
    await page.close();
  });
});

describe("the OFREP configuration and event stream over HTTP", () => {
  it("GET /ofrep/v1/configuration says what is supported", async () => {
    const token = await fx.token("server");
    const res = await fetch(`${fx.url}/ofrep/v1/configuration`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: "Rollguard",
      capabilities: {
        cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: expect.any(Number) } },
        flagEvaluation: { supportedTypes: expect.arrayContaining(["boolean", "string", "object"]) },
      },
    });
    expect((await fetch(`${fx.url}/ofrep/v1/configuration`)).status).toBe(401);
  });

  it("the bulk answer names a channel (not the token); its stream says refetchEvaluation after a change", async () => {
    const token = await fx.token("client");
    const bulk = await fetch(`${fx.url}/ofrep/v1/evaluate/flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ context: { targetingKey: "u" } }),
    });
    const body = (await bulk.json()) as {
      eventStreams: Array<{ type: string; endpoint: { requestUri: string } }>;
    };
    expect(body.eventStreams).toHaveLength(1);
    const uri = body.eventStreams[0]!.endpoint.requestUri;
    expect(body.eventStreams[0]!.type).toBe("sse");
    expect(uri).toMatch(/^\/ofrep\/v1\/events\?channel=/);
    expect(uri).not.toContain(token);

    const stream = await openSse(`${fx.url}${uri}`);
    try {
      // The browser test above closes its page's stream; the server may count that close a
      // moment later, so wait for the count to settle on this one stream.
      await vi.waitFor(() => expect(streamStats(fx.server.deps).ofrep.open).toBe(1), { timeout: 5000 });
      await fx.must("PATCH", "/api/flags/limit/environments/production", { percentage: 50 });
      const event = (await stream.next())!;
      expect(event.event).toBe("message");
      expect(JSON.parse(event.data)).toMatchObject({ type: "refetchEvaluation", etag: expect.any(String) });
      expect(Number(event.id)).toBeGreaterThan(0);
    } finally {
      stream.close();
    }

    // A forged channel, or the channel of a revoked token, opens nothing.
    const forged = uri.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await fetch(`${fx.url}${forged}`)).status).toBe(401);
    const id = uri.slice(uri.indexOf("=") + 1).split(".")[0];
    await fx.must("DELETE", `/api/tokens/${id}`);
    expect((await fetch(`${fx.url}${uri}`)).status).toBe(401);
  });

  it("a reconnect with an older Last-Event-ID is told to refetch at once", async () => {
    const token = await fx.token("server");
    const bulk = await fetch(`${fx.url}/ofrep/v1/evaluate/flags`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    const uri = ((await bulk.json()) as { eventStreams: Array<{ endpoint: { requestUri: string } }> })
      .eventStreams[0]!.endpoint.requestUri;
    const stream = await openSse(`${fx.url}${uri}`, { "last-event-id": "0" });
    try {
      expect(JSON.parse((await stream.next())!.data)).toMatchObject({ type: "refetchEvaluation" });
    } finally {
      stream.close();
    }
  });
});
