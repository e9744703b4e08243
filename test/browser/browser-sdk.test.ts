import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RollguardClient } from "../../sdk/browser/index.js";
import { clientFixture } from "../helpers/client-fixture.js";
import { eventually } from "../helpers/server-token.js";
import {
  bucketingVectorsJson,
  buildBrowserBundle,
  buildCoreForBrowser,
  launchChromium,
  skipBrowser,
  staticServer,
  unleashVectorsJson,
} from "./harness.js";

declare global {
  interface Window {
    client: RollguardClient;
    events: Array<[string, unknown]>;
    atStart: { stale: boolean; banner: boolean };
  }
}

// The page a site would write: load the SDK, create the client, read values synchronously.
const PAGE = `<!doctype html><html><body><div id="banner" hidden>New!</div>
<script type="module">
  import { createClient } from "/rollguard.js";
  const q = new URLSearchParams(location.search);
  window.events = [];
  const client = createClient({
    url: q.get("server"),
    clientToken: q.get("token"),
    context: { userId: "browser-user", country: "DE" },
    backoff: { minMs: 100, maxMs: 500 },
  });
  window.client = client;
  window.atStart = { stale: client.stale, banner: client.isEnabled("banner") };
  for (const name of ["ready", "change", "stale", "error"])
    client.on(name, (x) => window.events.push([name, x instanceof Error ? x.message : x]));
  const show = () => (document.getElementById("banner").hidden = !client.isEnabled("banner"));
  client.on("change", show);
  show();
</script></body></html>`;

describe.skipIf(skipBrowser)("the browser SDK in headless Chromium", () => {
  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let site: Awaited<ReturnType<typeof staticServer>>;
  let browser: Browser;
  let page: Page;
  let serverUp = true;
  let token: string;
  const requested: string[] = [];

  beforeAll(async () => {
    const [bundle, core] = await Promise.all([buildBrowserBundle(), buildCoreForBrowser()]);
    fx = await clientFixture();
    site = await staticServer({
      "/": { type: "text/html", body: PAGE },
      "/rollguard.js": { type: "text/javascript", body: readFileSync(bundle.file) },
      "/core.js": { type: "text/javascript", body: core },
      "/vectors.json": { type: "application/json", body: bucketingVectorsJson() },
      "/unleash-vectors.json": { type: "application/json", body: unleashVectorsJson() },
    });
    token = await fx.token("client", { allowedOrigins: [site.origin] });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (e) => console.error("[page error]", e));
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(
      `${site.origin}/?server=${encodeURIComponent(fx.url)}&token=${encodeURIComponent(token)}`,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (serverUp) await fx?.server.close();
  });

  it("gets its values from another origin (CORS) and reads them synchronously", async () => {
    await page.evaluate(() => window.client.ready());
    const seen = await page.evaluate(() => ({
      stale: window.client.stale,
      banner: window.client.isEnabled("banner", true),
      limit: window.client.getValue("limit", 0),
      theme: window.client.getValue("theme", {}),
      headline: window.client.evaluate("headline", "fallback"),
      hidden: window.client.evaluate("internal", "none"),
      mismatch: window.client.evaluate("limit", "text"),
      keys: Object.keys(window.client.all()).sort(),
      events: window.events.map((e) => e[0]),
    }));
    expect(seen).toMatchObject({
      stale: false,
      banner: false,
      limit: 100,
      theme: { bg: "white" },
      headline: { value: "WELCOME!", variant: "bold", reason: "TARGETING_MATCH", stale: false },
      hidden: { value: "none", reason: "ERROR", errorCode: "FLAG_NOT_FOUND" },
      mismatch: { value: "text", errorCode: "TYPE_MISMATCH" },
      keys: ["banner", "headline", "limit", "theme"],
    });
    expect(seen.events).toContain("ready");
    expect(await page.isHidden("#banner")).toBe(true);
  });

  it("opens the stream with a ticket: the token never travels in a URL to the server", async () => {
    await page.evaluate(() => window.client.ready());
    await eventually(
      () => requested.some((u) => u.includes("/api/client/stream?")),
      5_000,
      "the stream request",
    );
    const toServer = requested.filter((u) => u.startsWith(fx.url));
    expect(toServer.some((u) => u.startsWith(`${fx.url}/api/client/stream-ticket`))).toBe(true);
    expect(toServer.some((u) => /\/api\/client\/stream\?ticket=/.test(u))).toBe(true);
    for (const u of toServer) expect(u).not.toContain(encodeURIComponent(token));
  });

  it("shows a change made through the REST API within one second, without a reload", async () => {
    const started = Date.now();
    await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 100 });
    await page.waitForFunction(() => window.client.isEnabled("banner"), undefined, {
      timeout: 1000,
      polling: 10,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    await page.waitForSelector("#banner", { state: "visible", timeout: 500 });
    const changes = await page.evaluate(() =>
      window.events.filter((e) => e[0] === "change").map((e) => e[1]),
    );
    expect(changes).toContainEqual(["banner"]);
  });

  it("re-evaluates on setContext", async () => {
    const headline = await page.evaluate(async () => {
      await window.client.setContext({ userId: "browser-user", country: "FR" });
      return window.client.evaluate("headline");
    });
    expect(headline.reason).not.toBe("TARGETING_MATCH");
    await page.evaluate(() => window.client.setContext({ userId: "browser-user", country: "DE" }));
    expect(await page.evaluate(() => window.client.getValue("headline", ""))).toBe("WELCOME!");
  });

  it("starts from localStorage, marked stale, when reloaded while the server is down", async () => {
    await fx.server.close();
    serverUp = false;
    await page.reload();
    const atStart = await page.evaluate(() => window.atStart);
    expect(atStart).toEqual({ stale: true, banner: true });
    await page.evaluate(() => window.client.ready());
    const after = await page.evaluate(() => ({
      stale: window.client.stale,
      banner: window.client.evaluate("banner", false),
      events: window.events.map((e) => e[0]),
    }));
    expect(after.stale).toBe(true);
    expect(after.banner).toMatchObject({ value: true, stale: true });
    expect(after.events).toContain("stale");
    expect(after.events).toContain("error");
    expect(await page.isVisible("#banner")).toBe(true);
  });

  it("computes every bucketing vector exactly like the server, in the browser", async () => {
    // A string, not a function: vitest would rewrite a function's dynamic import() for Node.
    const mismatches: { wrong: unknown[]; count: number } = await page.evaluate(`(async () => {
      const core = await import("/core.js");
      const vectors = await (await fetch("/vectors.json")).json();
      const wrong = [];
      for (const c of vectors.cases) {
        const rollout = core.rolloutBucket(c.salt, c.value);
        const variant = core.variantBucket(c.salt, c.value);
        if (rollout !== c.rolloutBucket || variant !== c.variantBucket) wrong.push({ ...c, rollout, variant });
      }
      return { wrong, count: vectors.cases.length };
    })()`);
    expect(mismatches.count).toBeGreaterThan(100);
    expect(mismatches.wrong).toEqual([]);
  });

  it("computes every variant bucket of the unleash mode like Node, in the browser", async () => {
    const result: { wrong: unknown[]; count: number } = await page.evaluate(`(async () => {
      const core = await import("/core.js");
      const vectors = await (await fetch("/unleash-vectors.json")).json();
      const wrong = [];
      for (const c of vectors.cases) {
        const bucket = core.unleashVariantBucket(c.salt, c.value);
        if (bucket !== c.unleashVariantBucket) wrong.push({ ...c, bucket });
      }
      return { wrong, count: vectors.cases.length };
    })()`);
    expect(result.count).toBeGreaterThan(100);
    expect(result.wrong).toEqual([]);
  });
});
