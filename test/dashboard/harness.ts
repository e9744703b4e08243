import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import { dashboardRoutes } from "../../server/dashboard/index.js";
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
 * TEST-ONLY stand-in for the server mounting the dashboard: a real Rollguard server (temp SQLite,
 * admin token ADMIN) plus a second small server on its own port that serves `dashboardRoutes()`
 * and passes `/api/*` through to the real one. Once `server/features.ts` mounts the dashboard,
 * this wrapper goes and the tests open the real server's `/`.
 */
export async function startDashboard(options: { tickMs?: number } = {}) {
  const distDir = await buildDashboard();
  const rollguard = await startServer({ tickMs: options.tickMs ?? 200 });

  const app = new Hono();
  app.all("/api/*", async (c) => {
    const url = new URL(c.req.url);
    const headers = new Headers(c.req.raw.headers);
    headers.delete("host");
    const init: RequestInit & { duplex?: "half" } = { method: c.req.method, headers };
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      init.body = await c.req.arrayBuffer();
    }
    const res = await fetch(rollguard.url + url.pathname + url.search, init);
    const out = new Headers(res.headers);
    out.delete("content-encoding");
    out.delete("content-length");
    return new Response(res.body, { status: res.status, headers: out });
  });
  app.route("/", dashboardRoutes(distDir));

  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    /** Where the dashboard is opened. */
    url,
    /** The Rollguard server itself (for API calls and metrics). */
    rollguard,
    api: api(rollguard.url),
    distDir,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
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
