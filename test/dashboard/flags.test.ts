import type { Browser, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipBrowser } from "../browser/harness.js";
import {
  ADMIN,
  createFlag,
  type Dashboard,
  flagState,
  launchChromium,
  signedInPage,
  startDashboard,
  until,
} from "./harness.js";

let dashboard: Dashboard;
let browser: Browser;

describe.skipIf(skipBrowser)("dashboard: flags, state, conflicts (real chromium)", () => {
  beforeAll(async () => {
    [dashboard, browser] = await Promise.all([startDashboard(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it("serves the page no-cache and the assets with a long cache", async () => {
    const page = await fetch(`${dashboard.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const html = await page.text();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${dashboard.url}/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toContain("max-age=31536000");
    expect(js.headers.get("content-type")).toContain("javascript");
    expect((await fetch(`${dashboard.url}/assets/nope.js`)).status).toBe(404);
  });

  it("signs in with an admin token (a wrong one is refused) and signs out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard.url);
    const token = page.getByLabel("Admin token");
    await token.fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not a valid admin token" }).waitFor();
    await token.fill(ADMIN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Flags", level: 1 }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("rollguard.adminToken"))).toBe(ADMIN);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Admin token").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("rollguard.adminToken"))).toBeNull();
    await context.close();
  });

  it("creates a flag from the UI and lists it with its environments' state", async () => {
    const { context, page, errors } = await signedInPage(browser, dashboard);
    await page.getByRole("button", { name: "New flag" }).click();
    await page.getByLabel("Key").fill("ui-created");
    await page.getByLabel("Description").fill("Made in the browser");
    await page.getByLabel("Tags (comma-separated)").fill("web, beta");
    await page.getByRole("button", { name: "Create flag" }).click();
    const row = page.locator('tr[data-flag="ui-created"]');
    await row.waitFor();
    expect(await row.innerText()).toContain("Made in the browser");
    expect(await row.locator('td[data-env="production"]').innerText()).toContain("On · 0%");
    const created = await dashboard.api("GET", "/api/flags/ui-created");
    expect(created.status).toBe(200);
    expect(created.body.tags).toEqual(["web", "beta"]);
    // the search finds it by tag, and hides what does not match
    await page.getByLabel("Search flags").fill("beta");
    await row.waitFor();
    await page.getByLabel("Search flags").fill("zzz-nothing");
    await row.waitFor({ state: "detached" });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("sets the percentage to 12.345 with If-Match, and the API has it", async () => {
    await createFlag(dashboard, "pct-flag");
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/flags/pct-flag/production" });
    const patches: Request[] = [];
    page.on("request", (r) => {
      if (r.method() === "PATCH") patches.push(r);
    });
    await page.getByLabel("Rollout percentage", { exact: true }).fill("12.345");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const state = await flagState(dashboard, "pct-flag");
    expect(state.percentage).toBe(12.345);
    expect(patches).toHaveLength(1);
    expect(patches[0]!.headers()["if-match"]).toBe('"1"');
    expect(JSON.parse(patches[0]!.postData() ?? "{}")).toEqual({ percentage: 12.345 });
    // a fourth decimal is refused before any request
    await page.getByLabel("Rollout percentage", { exact: true }).fill("1.2345");
    expect(await page.getByRole("button", { name: "Save changes" }).isDisabled()).toBe(true);
    await page.getByText("at most three decimals").waitFor();
    await context.close();
  });

  it("the kill switch turns the flag off and on", async () => {
    await createFlag(dashboard, "kill-flag");
    await dashboard.api("PATCH", "/api/flags/kill-flag/environments/production", { percentage: 50 });
    const { context, page } = await signedInPage(browser, dashboard, {
      hash: "#/flags/kill-flag/production",
    });
    const sw = page.getByRole("switch", { name: "Kill switch" });
    await page.waitForFunction(
      () => document.querySelector('[role="switch"]')?.getAttribute("aria-checked") === "true",
    );
    await sw.click();
    await page.getByRole("status").filter({ hasText: "Switched off for everyone." }).waitFor();
    expect((await flagState(dashboard, "kill-flag")).enabled).toBe(false);
    expect(await sw.getAttribute("aria-checked")).toBe("false");
    await sw.click();
    await until(async () => (await flagState(dashboard, "kill-flag")).enabled === true, "flag back on");
    await context.close();
  });

  it("a 412 shows what changed (server vs. my edit) and re-applies my edit", async () => {
    await createFlag(dashboard, "race-flag");
    const { context, page } = await signedInPage(browser, dashboard, {
      hash: "#/flags/race-flag/production",
    });
    const input = page.getByLabel("Rollout percentage", { exact: true });
    await input.waitFor();
    await input.fill("30");
    // someone else changes the flag between our read and our write
    const other = await dashboard.api("PATCH", "/api/flags/race-flag/environments/production", {
      percentage: 5,
      stickiness: "accountId",
    });
    expect(other.status).toBe(200);
    await page.getByRole("button", { name: "Save changes" }).click();
    const conflict = page.getByRole("alertdialog", { name: "Someone else changed this flag" });
    await conflict.waitFor();
    const pctRow = conflict.locator('tr[data-field="percentage"]');
    const cells = await pctRow.locator("td").allInnerTexts();
    expect(cells[0]).toContain("0"); // what we read
    expect(cells[1]).toContain("5"); // the server now
    expect(cells[2]).toContain("30"); // our edit
    expect(await conflict.locator('tr[data-field="stickiness"]').innerText()).toContain("accountId");
    expect((await flagState(dashboard, "race-flag")).percentage).toBe(5);
    await conflict.getByRole("button", { name: "Re-apply my edit" }).click();
    await page.getByRole("status").filter({ hasText: "re-applied" }).waitFor();
    const after = await flagState(dashboard, "race-flag");
    expect(after.percentage).toBe(30);
    expect(after.stickiness).toBe("accountId"); // the other change is kept
    expect(await conflict.count()).toBe(0);
    await context.close();
  });

  it("drop my edit takes the server's state", async () => {
    await createFlag(dashboard, "drop-flag");
    const { context, page } = await signedInPage(browser, dashboard, {
      hash: "#/flags/drop-flag/production",
    });
    const input = page.getByLabel("Rollout percentage", { exact: true });
    await input.waitFor();
    await input.fill("70");
    await dashboard.api("PATCH", "/api/flags/drop-flag/environments/production", { percentage: 8 });
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("button", { name: "Drop my edit" }).click();
    const shows8 = () => (document.getElementById("percentage") as HTMLInputElement | null)?.value === "8";
    await page.waitForFunction(shows8);
    // and it stays so: a poll answered before the drop must not bring back the older version
    await page.waitForTimeout(2300);
    expect(await input.inputValue()).toBe("8");
    expect((await flagState(dashboard, "drop-flag")).percentage).toBe(8);
    await context.close();
  });

  it("follows a change made through the API without a reload", async () => {
    await createFlag(dashboard, "live-flag");
    const { context, page } = await signedInPage(browser, dashboard);
    const cell = page.locator('tr[data-flag="live-flag"] td[data-env="staging"]');
    await cell.waitFor();
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    await dashboard.api("PATCH", "/api/flags/live-flag/environments/staging", { percentage: 42.5 });
    await cell.getByText("42.5%").waitFor({ timeout: 6000 });
    // the flag page follows too, while its form is untouched
    await page.getByRole("link", { name: "live-flag in staging:", exact: false }).click();
    const input = page.getByLabel("Rollout percentage", { exact: true });
    await page.waitForFunction(
      () => (document.getElementById("percentage") as HTMLInputElement | null)?.value === "42.5",
    );
    await dashboard.api("PATCH", "/api/flags/live-flag/environments/staging", {
      enabled: false,
      percentage: 3,
    });
    await page.waitForFunction(
      () => (document.getElementById("percentage") as HTMLInputElement | null)?.value === "3",
      undefined,
      { timeout: 6000 },
    );
    expect(await page.getByRole("switch", { name: "Kill switch" }).getAttribute("aria-checked")).toBe(
      "false",
    );
    expect(await input.inputValue()).toBe("3");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await context.close();
  });

  it("keyboard: Tab reaches the percentage input, which has an accessible label and a visible focus", async () => {
    await createFlag(dashboard, "kbd-flag");
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/flags/kbd-flag/production" });
    await page.getByLabel("Rollout percentage", { exact: true }).waitFor();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.id === "percentage");
    }
    expect(reached).toBe(true);
    const labelled = page.getByRole("spinbutton", { name: "Rollout percentage" });
    expect(await labelled.evaluate((el) => el === document.activeElement)).toBe(true);
    const outline = await labelled.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe("none");
    // typing and Enter saves through the form
    await page.keyboard.press("Control+A");
    await page.keyboard.type("7.5");
    await page.keyboard.press("Enter");
    await until(async () => (await flagState(dashboard, "kbd-flag")).percentage === 7.5, "saved by keyboard");
    await context.close();
  });

  it("archives a flag from its page", async () => {
    await createFlag(dashboard, "old-flag");
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/flags/old-flag" });
    await page.getByRole("button", { name: "Archive…" }).click();
    await page.getByRole("button", { name: "Archive old-flag" }).click();
    await page.getByRole("heading", { name: "Flags", level: 1 }).waitFor();
    expect((await dashboard.api("GET", "/api/flags/old-flag")).body.archived).toBe(true);
    expect(await page.locator('tr[data-flag="old-flag"]').count()).toBe(0);
    await context.close();
  });
});
