import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RollguardClient } from "../../sdk/browser/index.js";
import { clientFixture } from "../helpers/client-fixture.js";
import { eventually } from "../helpers/server-token.js";
import { sqliteOf } from "../helpers/sqlite.js";
import { buildBrowserBundle, launchChromium, skipBrowser, staticServer } from "./harness.js";

declare global {
  interface Window {
    client: RollguardClient;
  }
}

// A page that reports outcomes: the client is created with the interval given in the URL.
const PAGE = `<!doctype html><html><body><script type="module">
  import { createClient } from "/rollguard.js";
  const q = new URLSearchParams(location.search);
  window.client = createClient({
    url: q.get("server"),
    clientToken: q.get("token"),
    context: { userId: q.get("user"), country: q.get("country") },
    metricsIntervalMs: Number(q.get("interval")),
  });
</script></body></html>`;

describe.skipIf(skipBrowser)("browser SDK outcomes in headless Chromium", () => {
  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let site: Awaited<ReturnType<typeof staticServer>>;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    const bundle = await buildBrowserBundle();
    fx = await clientFixture();
    await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 50 });
    site = await staticServer({
      "/": { type: "text/html", body: PAGE },
      "/rollguard.js": { type: "text/javascript", body: readFileSync(bundle.file) },
    });
    token = await fx.token("client", { allowedOrigins: [site.origin] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await fx?.server.close();
  });

  /** What the server stored for a flag, per arm. */
  function stored(flag: string) {
    const rows = sqliteOf(fx.server.deps)
      .prepare(
        "select arm, sum(exposures) exposures, sum(failures) failures from metric_buckets where flag_key = ? group by arm",
      )
      .all(flag) as Array<{ arm: string; exposures: number; failures: number }>;
    return Object.fromEntries(rows.map((r) => [r.arm, { exposures: r.exposures, failures: r.failures }]));
  }

  async function open(user: string, interval: number, country = "FR"): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (e) => console.error("[page error]", e));
    const q = new URLSearchParams({ server: fx.url, token, user, country, interval: String(interval) });
    await page.goto(`${site.origin}/?${q}`);
    await page.evaluate(() => window.client.ready());
    return page;
  }

  it("sends outcomes per arm on its interval (CORS, client token); rule decisions record nothing", async () => {
    const page = await open("browser-a", 200, "DE");
    const { arm, headline } = await page.evaluate(() => ({
      arm: window.client.evaluate("banner").arm,
      headline: window.client.evaluate("headline").reason,
    }));
    expect(arm === "treatment" || arm === "control").toBe(true);
    expect(headline).toBe("TARGETING_MATCH");
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) window.client.observe("banner", { ok: i >= 3, durationMs: 30 });
      window.client.track("banner", "clicked", 1);
      window.client.observe("headline", { ok: false }); // Germany: a rule decided
      window.client.observe("missing", { ok: false });
      window.client.track("banner", "bad name!", 1);
    });
    await eventually(() => stored("banner")[arm!]?.exposures === 5, 5000, "the report");
    expect(stored("banner")).toEqual({ [arm!]: { exposures: 5, failures: 3 } });
    expect(stored("headline")).toEqual({});
    const custom = sqliteOf(fx.server.deps)
      .prepare("select custom, latency from metric_buckets where flag_key = 'banner'")
      .get() as { custom: string; latency: string };
    expect(JSON.parse(custom.custom)).toEqual({ clicked: { count: 1, sum: 1 } });
    expect(JSON.parse(custom.latency)[5]).toBe(5); // 30 ms: 20–50
    await page.close();
  });

  it("sends what is left when the page is hidden, and when it is left (pagehide, keepalive)", async () => {
    const before = () => Object.values(stored("banner")).reduce((n, a) => n + a.exposures, 0);
    const hidden = await open("browser-b", 3_600_000);
    const start = before();
    await hidden.evaluate(() => {
      for (let i = 0; i < 4; i++) window.client.observe("banner", { ok: true });
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await eventually(() => before() === start + 4, 5000, "the report sent on visibilitychange");

    const leaving = await open("browser-c", 3_600_000);
    await leaving.evaluate(() => {
      for (let i = 0; i < 3; i++) window.client.observe("banner", { ok: false });
    });
    await leaving.goto("about:blank");
    await eventually(() => before() === start + 7, 5000, "the report sent on pagehide");
    await hidden.close();
    await leaving.close();
  });
});
