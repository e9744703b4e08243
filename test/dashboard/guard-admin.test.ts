import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipBrowser } from "../browser/harness.js";
import { postMetrics, report } from "../helpers/metrics.js";
import { createToken } from "../helpers/server-token.js";
import {
  createFlag,
  type Dashboard,
  launchChromium,
  signedInPage,
  startDashboard,
  until,
} from "./harness.js";

let dashboard: Dashboard;
let browser: Browser;

const noHorizontalScroll = () => document.documentElement.scrollWidth <= 390;

describe.skipIf(skipBrowser)("dashboard: guard, plans, audit, tokens (real chromium)", () => {
  beforeAll(async () => {
    [dashboard, browser] = await Promise.all([startDashboard({ tickMs: 200 }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it("sets guard rules from a preset, then charts the evidence once metrics arrive", async () => {
    await createFlag(dashboard, "guarded");
    await dashboard.api("PATCH", "/api/flags/guarded/environments/production", { percentage: 20 });
    const { context, page, errors } = await signedInPage(browser, dashboard, {
      hash: "#/flags/guarded/production",
    });
    const panel = page.getByRole("region", { name: "Guard" });
    await panel.getByText("not guarded in production").waitFor();
    await panel.getByLabel("Preset").selectOption("errors-vs-control");
    await panel.getByRole("button", { name: "Add rule" }).click();
    await panel.getByRole("button", { name: "Save rules" }).click();
    const guard = await until(async () => {
      const g = await dashboard.api("GET", "/api/flags/guarded/environments/production/guard");
      return g.status === 200 && g.body.run ? g.body : null;
    }, "the guard's run to start");
    expect(guard.rules).toEqual([expect.objectContaining({ metric: "error_rate", kind: "relative" })]);
    await panel.getByText("No counts yet").waitFor();
    await page.waitForTimeout(500); // a few guard ticks with no reports: still no chart
    expect(await page.locator('[data-testid="guard-chart"] canvas').count()).toBe(0);

    const { token } = await createToken(dashboard.rollguard.url, "server", "production");
    for (let i = 0; i < 3; i++) {
      const res = await postMetrics(
        dashboard.rollguard.url,
        token,
        report({
          guarded: { treatment: { exposures: 150, failures: 1 }, control: { exposures: 600, failures: 4 } },
        }),
      );
      expect(res.status).toBe(202);
      await page.waitForTimeout(450);
    }
    await page.locator('[data-testid="guard-chart"] canvas').first().waitFor({ timeout: 8000 });
    expect(await page.locator('[data-testid="guard-chart"] canvas').count()).toBeGreaterThanOrEqual(2);
    await page.getByTestId("guard-reason").filter({ hasText: "e-value" }).waitFor();
    // the evidence table shows the counts per arm as the API has them
    const treatment = await page.locator(".evidence-table tbody tr td").nth(1).innerText();
    expect(treatment).toMatch(/\d+ of \d+/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a rollback, the rule that fired and why, and re-opens the flag at its previous percentage", async () => {
    await createFlag(dashboard, "breaks");
    await dashboard.api("PATCH", "/api/flags/breaks/environments/production", { percentage: 25 });
    await dashboard.api("PUT", "/api/flags/breaks/environments/production/guard", {
      rules: ["errors-vs-control"],
    });
    await until(async () => {
      const g = await dashboard.api("GET", "/api/flags/breaks/environments/production/guard");
      return g.body.run !== null;
    }, "run");
    const { token } = await createToken(dashboard.rollguard.url, "server", "production");
    await postMetrics(
      dashboard.rollguard.url,
      token,
      report({
        breaks: { treatment: { exposures: 400, failures: 200 }, control: { exposures: 1200, failures: 3 } },
      }),
    );
    await until(async () => {
      const s = await dashboard.api("GET", "/api/flags/breaks");
      return s.body.environments.production.percentage === 0;
    }, "the guard to roll back");
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/flags/breaks/production" });
    const alert = page.getByRole("alert").filter({ hasText: "Rolled back" });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Why:/);
    await alert.getByRole("button", { name: "Re-open at 25%" }).click();
    await until(async () => {
      const s = await dashboard.api("GET", "/api/flags/breaks");
      return s.body.environments.production.percentage === 25;
    }, "the flag to be re-opened");
    await context.close();
  });

  it("starts a plan from a preset, shows its stages and what the stage waits for, pauses and aborts it", async () => {
    await createFlag(dashboard, "planned");
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/flags/planned/production" });
    await page.getByRole("region", { name: "Rollout plan" }).getByLabel("Preset").selectOption("default");
    await page.getByRole("button", { name: "Create plan" }).click();
    const timeline = page.getByRole("list", { name: /Stages of plan_/ });
    await timeline.waitFor();
    expect(await timeline.locator("li").count()).toBe(5);
    await timeline.locator('li[aria-current="step"]').getByText("Waiting for").waitFor();
    expect(await timeline.locator('li[aria-current="step"]').innerText()).toContain("its minimum hold");
    const plan = (await dashboard.api("GET", "/api/flags/planned/environments/production/plans/current"))
      .body;
    expect(plan.state).toBe("running");
    expect(plan.currentPercentage).toBe(1);
    await page.getByRole("button", { name: "Pause" }).click();
    await until(
      async () => (await dashboard.api("GET", `/api/plans/${plan.id}`)).body.state === "paused",
      "paused",
    );
    await page.getByRole("button", { name: "Resume" }).waitFor();
    await page.getByRole("button", { name: "Abort" }).click();
    await until(
      async () => (await dashboard.api("GET", `/api/plans/${plan.id}`)).body.state === "aborted",
      "aborted",
    );
    await page.getByRole("button", { name: "Create plan" }).waitFor();
    // schedules: create one, see it, cancel it
    await page.getByLabel("When").fill("2h");
    await page.getByLabel("Percentage", { exact: true }).fill("40");
    await page.getByRole("button", { name: "Schedule", exact: true }).click();
    const cancel = page.getByRole("button", { name: /Cancel the change at/ });
    await cancel.waitFor();
    await cancel.click();
    await until(async () => {
      const s = await dashboard.api("GET", "/api/flags/planned/environments/production/schedules");
      return s.body.schedules[0]?.state === "cancelled";
    }, "the schedule to be cancelled");
    await context.close();
  });

  it("the audit log shows the actor and a field-level before/after diff", async () => {
    await createFlag(dashboard, "audited");
    await dashboard.api("PATCH", "/api/flags/audited/environments/staging", {
      percentage: 7,
      reason: "ramp",
    });
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/audit?flag=audited" });
    const event = page.locator(".audit-event").filter({ hasText: "flag.state.changed" }).first();
    await event.waitFor();
    expect(await event.innerText()).toContain("token:"); // the actor
    const row = event.locator('tr[data-path="percentage"]');
    expect(await row.locator(".diff-before").innerText()).toBe("0");
    expect(await row.locator(".diff-after").innerText()).toBe("7");
    expect(await event.locator('tr[data-path="version"]').count()).toBe(1);
    expect(await event.locator('tr[data-path="stickiness"]').count()).toBe(0); // unchanged fields are left out
    await context.close();
  });

  it("a created token's secret is shown once, works, and is gone after it is dismissed", async () => {
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/tokens" });
    await page.getByLabel("Scope").selectOption("server");
    await page.getByLabel("Name").fill("ui-token");
    await page.getByRole("button", { name: "Create token" }).click();
    const secretBox = page.getByLabel("New token secret");
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^rg_server_/);
    const works = await fetch(`${dashboard.rollguard.url}/api/sdk/flags`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(works.status).toBe(200);
    await page.getByRole("button", { name: "I have stored it" }).click();
    await secretBox.waitFor({ state: "detached" });
    await page.reload();
    await page.locator("tr", { hasText: "ui-token" }).waitFor();
    expect(await page.content()).not.toContain(secret);
    // revoke it
    await page.getByRole("button", { name: "Revoke ui-token" }).click();
    await page.getByRole("button", { name: "Revoke now" }).click();
    await page.locator("tr", { hasText: "ui-token" }).getByText("revoked").waitFor();
    const after = await fetch(`${dashboard.rollguard.url}/api/sdk/flags`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(after.status).toBe(401);
    await context.close();
  });

  it("webhooks: create and delete", async () => {
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/webhooks" });
    await page.getByLabel("URL").fill("https://hooks.example.com/rg");
    await page.getByLabel(/^Events/).fill("guard.*");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await page.getByRole("row", { name: /hooks\.example\.com\/rg/ }).waitFor();
    const listed = await dashboard.api("GET", "/api/environments/production/webhooks");
    expect(listed.body.webhooks).toEqual([expect.objectContaining({ events: ["guard.*"] })]);
    await page.getByRole("button", { name: "Delete webhook https://hooks.example.com/rg" }).click();
    await page.getByText("No webhooks yet.").waitFor();
    await context.close();
  });

  it("at 390 px wide no page scrolls sideways", async () => {
    await createFlag(dashboard, "a-rather-long-flag-key-for-narrow-screens.checkout-v2", {
      description: "A long description that has to wrap on a phone without pushing the page wider than it is",
      tags: ["checkout", "mobile", "experiment"],
    });
    await dashboard.api("POST", "/api/segments", {
      key: "a-rather-long-segment-key-for-narrow-screens.enterprise",
      description: "A long description that has to wrap on a phone as well",
      ids: Array.from({ length: 40 }, (_, i) => `customer-account-${i}`),
      conditions: [
        { attribute: "email", operator: "ends_with", values: ["@a-long-corporate-domain.example"] },
      ],
    });
    const { context, page } = await signedInPage(browser, dashboard, { width: 390, height: 844 });
    const pages = [
      "#/flags",
      "#/flags/guarded/production",
      "#/flags/a-rather-long-flag-key-for-narrow-screens.checkout-v2/production",
      "#/segments",
      "#/audit",
      "#/tokens",
      "#/webhooks",
    ];
    for (const hash of pages) {
      await page.goto(`${dashboard.url}/${hash}`);
      await page.locator("main h1").first().waitFor();
      await page.waitForTimeout(150);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ hash, width, ok: await page.evaluate(noHorizontalScroll) }).toEqual({ hash, width, ok: true });
    }
    await context.close();
  });
});
