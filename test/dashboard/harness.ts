import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import type { ServerOptions } from "../../server/index.js";
import { launchChromium } from "../browser/harness.js";
import { ADMIN, api, startServer } from "../helpers/server.js";

export { ADMIN };

const root = new URL("../..", import.meta.url).pathname;

/** Builds the dashboard from its sources, as `npm run build:dashboard` does, into a temp dir. */
export async function buildDashboard(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "rollguard-dashboard-"));
  await build({
    configFile: join(root, "dashboard/vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/**
 * The real server (temp SQLite, admin token ADMIN) serving a dashboard freshly built from its
 * sources at its own `/`, as `npm start` serves the one built at install.
 */
export async function startDashboard(options: Partial<ServerOptions> = {}) {
  const distDir = await buildDashboard();
  const rollguard = await startServer({ tickMs: 200, ...options, dashboard: { distDir } });
  const url = rollguard.url;
  return {
    /** Where the dashboard is opened. */
    url,
    /** The Rollguard server itself (for API calls and metrics). */
    rollguard,
    api: api(rollguard.url),
    distDir,
    async close() {
      await rollguard.close();
      rmSync(distDir, { recursive: true, force: true });
    },
  };
}

export type Dashboard = Awaited<ReturnType<typeof startDashboard>>;

export { launchChromium };

/** A page already signed in (the token put in sessionStorage before the app starts). */
export async function signedInPage(
  browser: Browser,
  dashboard: Dashboard,
  opts: { width?: number; height?: number; hash?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
  });
  await context.addInitScript((token: string) => {
    sessionStorage.setItem("rollguard.adminToken", token);
  }, ADMIN);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // "no guard here" and "no active plan" are 404s by design; the browser logs each one.
    if (m.type() === "error" && !/status of 404/.test(m.text())) errors.push(m.text());
  });
  await page.goto(`${dashboard.url}/${opts.hash ?? "#/flags"}`);
  return { context, page, errors };
}

/** Creates a boolean flag through the API; returns its key. */
export async function createFlag(dashboard: Dashboard, key: string, extra: Record<string, unknown> = {}) {
  const res = await dashboard.api("POST", "/api/flags", { key, type: "boolean", ...extra });
  if (res.status !== 201) throw new Error(`create ${key}: ${res.status} ${JSON.stringify(res.body)}`);
  return key;
}

export async function flagState(dashboard: Dashboard, key: string, env = "production") {
  const res = await dashboard.api("GET", `/api/flags/${key}`);
  return res.body.environments[env];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy (or throws after `timeoutMs`). */
export async function until<T>(check: () => Promise<T> | T, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(50);
  }
}

/** Waits until the page follows the admin event stream (the header's indicator says "Live"). */
export async function streaming(page: Page): Promise<void> {
  await page.locator('.live[data-mode="stream"]').waitFor({ timeout: 5000 });
}

/** Runs axe-core in the page; returns its serious and critical violations (none is the goal). */
export async function axeViolations(page: Page, what: string) {
  const axe = await import("axe-core");
  // Evaluated through the debugging protocol: the page's CSP (no inline scripts) would refuse a
  // script tag, rightly.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(`${axe.default.source}\n;0`);
  const result = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run: (
          ctx: Document,
          opts: object,
        ) => Promise<{
          violations: Array<{
            id: string;
            impact: string | null;
            help: string;
            nodes: Array<{ target: unknown[] }>;
          }>;
        }>;
      };
    };
    const r = await w.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
  });
  return result
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ page: what, ...v }));
}
