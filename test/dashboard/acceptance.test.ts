import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type RollguardClient } from "../../sdk/node/index.js";
import { skipBrowser } from "../browser/harness.js";
import { postMetrics, report } from "../helpers/metrics.js";
import { createToken } from "../helpers/server-token.js";
import {
  ADMIN,
  axeViolations,
  createFlag,
  type Dashboard,
  flagState,
  launchChromium,
  signedInPage,
  startDashboard,
  streaming,
  until,
} from "./harness.js";

// The dashboard's acceptance: a real server, real chromium, the admin event stream, a real Node
// SDK on the same server, and axe-core on every main page.

let dashboard: Dashboard;
let browser: Browser;
const sdks: RollguardClient[] = [];

/** The share of 2000 users a boolean flag is on for, as the Node SDK evaluates it locally. */
function onShare(sdk: RollguardClient, key: string): number {
  let on = 0;
  for (let i = 0; i < 2000; i++) if (sdk.isEnabled(key, { userId: `user-${i}` })) on++;
  return on / 2000;
}

async function guardRun(key: string) {
  return until(async () => {
    const g = await dashboard.api("GET", `/api/flags/${key}/environments/production/guard`);
    return g.status === 200 && g.body.run ? g.body.run : null;
  }, `the guard run of ${key} to open`);
}

describe.skipIf(skipBrowser)("dashboard acceptance (real server, chromium, stream, SDK, axe)", () => {
  beforeAll(async () => {
    [dashboard, browser] = await Promise.all([
      startDashboard({ tickMs: 100, guard: { settleMs: 0, noDataMs: 60_000 } }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await Promise.all(sdks.map((s) => s.close()));
    await browser?.close();
    await dashboard?.close();
  });

  it("a wrong token sees nothing: sign-in refused, every API read refused, no flag rendered", async () => {
    await createFlag(dashboard, "secret-plans", { description: "Nobody without a token may read this" });
    const server = await createToken(dashboard.rollguard.url, "server");
    const context = await browser.newContext();
    const page = await context.newPage();
    const answered: number[] = [];
    page.on("response", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/")) answered.push(r.status());
    });
    await page.goto(dashboard.url);
    for (const wrong of ["rg_admin_not-a-real-token", server.token]) {
      await page.getByLabel("Admin token").fill(wrong);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "not a valid admin token" }).waitFor();
    }
    expect(await page.evaluate(() => sessionStorage.getItem("rollguard.adminToken"))).toBeNull();
    // a wrong token already in the tab (say, revoked since) goes back to the sign-in form
    await page.evaluate(() => sessionStorage.setItem("rollguard.adminToken", "rg_admin_revoked"));
    await page.reload();
    await page.getByRole("alert").filter({ hasText: "stopped working" }).waitFor();
    await page.getByLabel("Admin token").waitFor();
    await page.waitForTimeout(300);
    const html = await page.content();
    expect(html).not.toContain("secret-plans");
    expect(html).not.toContain("Nobody without a token");
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((s) => s === 401 || s === 403)).toBe(true);
    await context.close();
  });

  it("sign in, create a flag, move it to 25% in the UI: a Node SDK on the same server has 25% within 1 s", async () => {
    const { token } = await createToken(dashboard.rollguard.url, "server", "production");
    const sdk = createClient({ url: dashboard.rollguard.url, token, metrics: false });
    sdks.push(sdk);
    expect(await sdk.ready({ timeoutMs: 3000 })).toBe("ready");

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard.url);
    await page.getByLabel("Admin token").fill(ADMIN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Flags", level: 1 }).waitFor();
    await page.getByRole("button", { name: "New flag" }).click();
    await page.getByLabel("Key").fill("quarter");
    await page.getByLabel("Description").fill("Ramped from the dashboard");
    await page.getByRole("button", { name: "Create flag" }).click();
    await page.locator('tr[data-flag="quarter"]').waitFor();
    await until(
      () => sdk.evaluate("quarter", { userId: "u" }, true).reason !== "ERROR",
      "the SDK to know it",
    );
    expect(onShare(sdk, "quarter")).toBe(0);

    await page.getByRole("link", { name: "quarter in production:" }).click();
    await page.getByLabel("Rollout percentage", { exact: true }).fill("25");
    const changed = new Promise<number>((resolve) => {
      const off = sdk.on("change", ({ keys }) => {
        if (!keys.includes("quarter")) return;
        off();
        resolve(performance.now());
      });
    });
    const saved = performance.now();
    await page.getByRole("button", { name: "Save changes" }).click();
    const seenAt = await Promise.race([
      changed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error("no change in 1 s")), 1000)),
    ]);
    expect(seenAt - saved).toBeLessThan(1000);
    const share = onShare(sdk, "quarter");
    expect(share).toBeGreaterThan(0.21);
    expect(share).toBeLessThan(0.29);
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await flagState(dashboard, "quarter")).percentage).toBe(25);
    await context.close();
  });

  it("two tabs edit the same flag: the second one's save meets the 412 conflict view", async () => {
    await createFlag(dashboard, "two-tabs");
    const first = await signedInPage(browser, dashboard, { hash: "#/flags/two-tabs/production" });
    const second = { page: await first.context.newPage() };
    await second.page.goto(`${dashboard.url}/#/flags/two-tabs/production`);
    const pct = (p: Page) => p.getByLabel("Rollout percentage", { exact: true });
    await Promise.all([pct(first.page).waitFor(), pct(second.page).waitFor()]);
    await Promise.all([streaming(first.page), streaming(second.page)]);
    await pct(second.page).fill("60");
    await pct(first.page).fill("30");
    await first.page.getByRole("button", { name: "Save changes" }).click();
    await first.page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await second.page.getByRole("button", { name: "Save changes" }).click();
    const conflict = second.page.getByRole("alertdialog", { name: "Someone else changed this flag" });
    await conflict.waitFor();
    const cells = await conflict.locator('tr[data-field="percentage"] td').allInnerTexts();
    expect(cells[1]).toContain("30"); // the first tab's save
    expect(cells[2]).toContain("60"); // the second tab's edit
    expect((await flagState(dashboard, "two-tabs")).percentage).toBe(30);
    await conflict.getByRole("button", { name: "Drop my edit" }).click();
    await second.page.waitForFunction(
      () => (document.getElementById("percentage") as HTMLInputElement | null)?.value === "30",
    );
    await first.context.close();
  });

  it("a guarded flag whose treatment breaks: the open page shows the rollback and why within 2 s, no reload", async () => {
    await createFlag(dashboard, "fragile");
    await dashboard.api("PATCH", "/api/flags/fragile/environments/production", { percentage: 10 });
    await dashboard.api("PUT", "/api/flags/fragile/environments/production/guard", {
      rules: ["errors-vs-control"],
    });
    await guardRun("fragile");
    const { context, page, errors } = await signedInPage(browser, dashboard, {
      hash: "#/flags/fragile/production",
    });
    await page.getByRole("region", { name: "Guard" }).waitFor();
    await streaming(page);
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 7;
    });
    const { token } = await createToken(dashboard.rollguard.url, "server", "production");
    const sent = Date.now();
    const res = await postMetrics(
      dashboard.rollguard.url,
      token,
      report({
        fragile: { treatment: { exposures: 100, failures: 50 }, control: { exposures: 900, failures: 4 } },
      }),
    );
    expect(res.status).toBe(202);
    const alert = page.getByRole("alert").filter({ hasText: "Rolled back" });
    await alert.waitFor({ timeout: 2000 });
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(await alert.innerText()).toMatch(/Why:.*\S/);
    await alert.getByRole("button", { name: "Re-open at 10%" }).waitFor();
    expect((await flagState(dashboard, "fragile")).percentage).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
    // axe on a flag page with the guard panel (evidence and the rollback)
    expect(await axeViolations(page, "flag page, rolled back")).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a plan's timeline advances stage by stage on the open page", async () => {
    await createFlag(dashboard, "stepwise");
    const created = await dashboard.api("POST", "/api/flags/stepwise/environments/production/plans", {
      stages: [
        { percentage: 10, minHold: 0 },
        { percentage: 40, minHold: "4s" },
        { percentage: 100, minHold: 0 },
      ],
    });
    expect(created.status).toBe(201);
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/flags/stepwise/production" });
    const timeline = page.getByRole("list", { name: /Stages of plan_/ });
    const current = timeline.locator('li[aria-current="step"]');
    // the first stage (no hold) is passed at the next tick; the second holds 4 s (long enough for
    // the page to load on a loaded machine before it passes)
    await current.filter({ hasText: "40%" }).filter({ hasText: "its minimum hold" }).waitFor();
    expect(await timeline.locator("li.stage-done").count()).toBe(1);
    expect(await page.locator(".stage-progress").innerText()).toMatch(/Held/);
    await until(
      async () => (await timeline.locator("li.stage-done").count()) === 3,
      "every stage done",
      10_000,
    );
    expect(await current.count()).toBe(0);
    expect((await flagState(dashboard, "stepwise")).percentage).toBe(100);
    expect(await axeViolations(page, "flag page, plan")).toEqual([]);
    await context.close();
  });

  it("axe: no serious or critical violations on the flags list, a guarded flag, segments, tokens, audit and webhooks", async () => {
    await createFlag(dashboard, "axe-guarded", { description: "Guard with evidence", tags: ["a11y"] });
    await dashboard.api("PATCH", "/api/flags/axe-guarded/environments/production", { percentage: 20 });
    await dashboard.api("PUT", "/api/flags/axe-guarded/environments/production/guard", {
      rules: ["errors-vs-control", { preset: "p95-above-500ms", action: "notify" }],
    });
    await guardRun("axe-guarded");
    const { token } = await createToken(dashboard.rollguard.url, "server", "production");
    await postMetrics(
      dashboard.rollguard.url,
      token,
      report({
        "axe-guarded": {
          treatment: { exposures: 150, failures: 1 },
          control: { exposures: 600, failures: 4 },
        },
      }),
    );
    await dashboard.api("POST", "/api/environments/production/webhooks", {
      url: "https://hooks.example.com/a",
    });
    await dashboard.api("POST", "/api/segments", {
      key: "axe-segment",
      description: "ids and a condition",
      ids: ["u-1", "u-2"],
      conditions: [
        { attribute: "email", operator: "ends_with", values: ["@corp.example"], caseInsensitive: true },
      ],
    });
    await dashboard.api("PATCH", "/api/flags/axe-guarded/environments/staging", {
      rules: [{ id: "beta", segments: ["axe-segment"], variant: "true" }],
    });
    const { context, page, errors } = await signedInPage(browser, dashboard);
    const found: unknown[] = [];
    const pages: Array<[string, string]> = [
      ["#/flags", 'tr[data-flag="axe-guarded"]'],
      ["#/flags/axe-guarded/production", '[data-testid="guard-chart"] canvas'],
      ["#/segments", 'tr[data-segment="axe-segment"]'],
      ["#/tokens", "table tbody tr"],
      ["#/audit", ".audit-event"],
      ["#/webhooks", "table tbody tr"],
    ];
    for (const [width, height] of [
      [1280, 900],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const [hash, ready] of pages) {
        await page.goto(`${dashboard.url}/${hash}`);
        await page.locator(ready).first().waitFor();
        found.push(...(await axeViolations(page, `${hash} at ${width} px`)));
      }
      // The forms that open in place: a segment's edit form (its condition rows), a token's rotation.
      await page.goto(`${dashboard.url}/#/segments`);
      await page.getByRole("button", { name: "Edit axe-segment" }).click();
      await page.locator("form#edit-segment").waitFor();
      found.push(...(await axeViolations(page, `segment edit form at ${width} px`)));
      await page.goto(`${dashboard.url}/#/tokens`);
      await page.locator("table tbody tr").first().waitFor();
      await page
        .getByRole("button", { name: /^Rotate / })
        .first()
        .click();
      await page.getByRole("button", { name: "Rotate now" }).waitFor();
      found.push(...(await axeViolations(page, `token rotation at ${width} px`)));
    }
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
