// Screenshots of the dashboard with realistic data, to look at after a styling change (not a test):
//   npx tsx test/dashboard/screenshots.ts [outDir]     (default /tmp/dash-shots)
import { mkdirSync } from "node:fs";
import { postMetrics, report } from "../helpers/metrics.js";
import { createToken } from "../helpers/server-token.js";
import { createFlag, launchChromium, signedInPage, sleep, startDashboard } from "./harness.js";

const out = process.argv[2] ?? "/tmp/dash-shots";
mkdirSync(out, { recursive: true });
const d = await startDashboard({ tickMs: 300 });
const b = await launchChromium();
try {
  await createFlag(d, "new-checkout", { description: "The one-page checkout", tags: ["checkout", "web"] });
  await createFlag(d, "search-ranking", {
    description: "Learning-to-rank results for site search",
    tags: ["search"],
  });
  await createFlag(d, "dark-mode", { description: "Dark theme for the account pages", tags: ["ui"] });
  await createFlag(d, "payment-retry", {
    description: "Retry declined cards once with 3-D Secure",
    tags: ["payments"],
  });
  await d.api("PATCH", "/api/flags/new-checkout/environments/production", { percentage: 20 });
  await d.api("PATCH", "/api/flags/new-checkout/environments/staging", { percentage: 100 });
  await d.api("PATCH", "/api/flags/dark-mode/environments/production", {
    enabled: false,
    reason: "contrast bug",
  });
  await d.api("PATCH", "/api/flags/search-ranking/environments/production", { percentage: 12.345 });
  await d.api("PUT", "/api/flags/new-checkout/environments/production/guard", {
    rules: ["errors-vs-control", { preset: "p95-above-500ms", action: "notify" }],
  });
  await d.api("POST", "/api/flags/search-ranking/environments/production/plans", { preset: "default" });
  await d.api("PUT", "/api/flags/payment-retry/environments/production/guard", {
    rules: ["errors-vs-control"],
  });
  await d.api("PATCH", "/api/flags/payment-retry/environments/production", { percentage: 30 });
  await sleep(800);
  const { token } = await createToken(d.rollguard.url, "server", "production");
  await postMetrics(
    d.rollguard.url,
    token,
    report({
      "payment-retry": {
        treatment: { exposures: 400, failures: 150 },
        control: { exposures: 900, failures: 4 },
      },
    }),
  );

  const { page } = await signedInPage(b, d, { hash: "#/flags/new-checkout/production" });
  for (let i = 0; i < 14; i++) {
    await postMetrics(
      d.rollguard.url,
      token,
      report({
        "new-checkout": {
          treatment: { exposures: 60 + i * 3, failures: i > 8 ? 3 : 1 },
          control: { exposures: 240, failures: 2 },
        },
      }),
    );
    await sleep(700);
  }
  await sleep(2200);
  for (const [w, h] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${d.url}/#/flags`);
    await page.locator('tr[data-flag="new-checkout"]').waitFor();
    await sleep(2500);
    await page.screenshot({ path: `${out}/flags-${w}.png`, fullPage: true });
    await page.goto(`${d.url}/#/flags/new-checkout/production`);
    await page
      .locator('[data-testid="guard-chart"] canvas')
      .first()
      .waitFor()
      .catch(() => {});
    await sleep(1500);
    await page.screenshot({ path: `${out}/flag-guard-${w}.png`, fullPage: true });
    await page.getByRole("region", { name: "Guard" }).screenshot({ path: `${out}/guard-panel-${w}.png` });
    await page.goto(`${d.url}/#/flags/search-ranking/production`);
    await page.locator(".timeline").first().waitFor();
    await sleep(800);
    await page.screenshot({ path: `${out}/plan-${w}.png`, fullPage: true });
    await page.goto(`${d.url}/#/flags/payment-retry/production`);
    await sleep(1500);
    await page.screenshot({ path: `${out}/rolled-back-${w}.png`, fullPage: true });
    await page.goto(`${d.url}/#/audit`);
    await page.locator(".audit-event").first().waitFor();
    await page.screenshot({ path: `${out}/audit-${w}.png`, fullPage: false });
    await page.goto(`${d.url}/#/tokens`);
    await sleep(600);
    await page.screenshot({ path: `${out}/tokens-${w}.png`, fullPage: true });
  }
  const ctx = await b.newContext({ viewport: { width: 1280, height: 800 } });
  const p2 = await ctx.newPage();
  await p2.goto(d.url);
  await p2.screenshot({ path: `${out}/signin-1280.png` });
} finally {
  await b.close();
  await d.close();
}
