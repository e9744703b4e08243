// Screenshots of the dashboard with realistic data on a real server (not a test): the ones in
// docs/screenshots/ (flags list, flag page with the guard chart, plan timeline, audit, segments,
// tokens; 1280 and 390 px wide). Look at them after a styling change.
//   npx tsx test/dashboard/screenshots.ts [outDir]     (default docs/screenshots)
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { postMetrics, report } from "../helpers/metrics.js";
import { createToken } from "../helpers/server-token.js";
import { createFlag, launchChromium, signedInPage, sleep, startDashboard } from "./harness.js";

const out = process.argv[2] ?? new URL("../../docs/screenshots", import.meta.url).pathname;
mkdirSync(out, { recursive: true });

/** The viewport (or the whole page, at most 2400 px tall): small PNGs for the README. */
async function shoot(page: Page, name: string, full = true) {
  const height = full ? Math.min(2400, await page.evaluate(() => document.documentElement.scrollHeight)) : 0;
  const width = page.viewportSize()?.width ?? 1280;
  await page.screenshot({
    path: `${out}/${name}`,
    ...(full ? { fullPage: true, clip: { x: 0, y: 0, width, height } } : {}),
  });
}
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
  await d.api("PATCH", "/api/flags/dark-mode/environments/staging", { percentage: 12.345 });
  await d.api("PUT", "/api/flags/new-checkout/environments/production/guard", {
    rules: ["errors-vs-control", { preset: "p95-above-500ms", action: "notify" }],
  });
  const plan = await d.api("POST", "/api/flags/search-ranking/environments/production/plans", {
    preset: "default",
  });
  if (plan.status !== 201) throw new Error(`plan: ${plan.status} ${JSON.stringify(plan.body)}`);
  await d.api("PUT", "/api/flags/search-ranking/environments/production/guard", {
    rules: ["errors-vs-control"],
  });
  await d.api("PUT", "/api/flags/payment-retry/environments/production/guard", {
    rules: ["errors-vs-control"],
  });
  await d.api("PATCH", "/api/flags/payment-retry/environments/production", { percentage: 30 });
  for (const segment of [
    {
      key: "beta-testers",
      description: "Signed up for the beta programme",
      ids: ["u-1042", "u-2210", "u-3307", "u-4419", "u-5521", "u-6630", "u-7712"],
    },
    {
      key: "enterprise-eu",
      description: "Accounts on the enterprise plan in the EU",
      idAttribute: "accountId",
      ids: ["acme", "globex"],
      conditions: [
        { attribute: "plan", operator: "in", values: ["enterprise"] },
        { attribute: "country", operator: "in", values: ["NL", "DE", "FR"] },
      ],
    },
    {
      key: "staff",
      description: "Our own people",
      conditions: [
        { attribute: "email", operator: "ends_with", values: ["@corp.example"], caseInsensitive: true },
      ],
    },
  ])
    await d.api("POST", "/api/segments", segment);
  await d.api("PATCH", "/api/flags/new-checkout/environments/staging", {
    rules: [{ id: "beta", segments: ["beta-testers"], variant: "true" }],
  });
  await d.api("PATCH", "/api/flags/dark-mode/environments/production", {
    rules: [{ id: "staff-first", segments: ["staff"], variant: "true" }],
  });
  await d.api("POST", "/api/tokens", {
    scope: "read",
    name: "wall dashboard",
    expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
  });
  await d.api("POST", "/api/tokens", {
    scope: "client",
    environment: "production",
    name: "web shop",
    allowedOrigins: ["https://shop.example.com"],
  });
  const batch = await d.api("POST", "/api/tokens", {
    scope: "server",
    environment: "staging",
    name: "batch job",
  });
  await d.api("DELETE", `/api/tokens/${batch.body.id}`);
  const worker = await d.api("POST", "/api/tokens", {
    scope: "server",
    environment: "production",
    name: "billing worker",
  });
  await d.api("POST", `/api/tokens/${worker.body.id}/rotate`, { graceSeconds: 86_400 });
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
  await page.locator('.live[data-mode="stream"]').waitFor();
  for (const [w, h] of [
    [1280, 960],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${d.url}/#/flags`);
    await page.locator('tr[data-flag="new-checkout"]').waitFor();
    await sleep(2500);
    await shoot(page, `flags-${w}.png`);
    await page.goto(`${d.url}/#/flags/new-checkout/production`);
    await page.locator('[data-testid="guard-chart"] canvas').first().waitFor();
    await sleep(1500);
    // On a phone the guard panel comes after the state form: scroll it to the top of the picture.
    if (w < 600) await page.getByRole("region", { name: "Guard" }).evaluate((el) => el.scrollIntoView());
    await shoot(page, `flag-guard-${w}.png`, false);
    await page.goto(`${d.url}/#/flags/search-ranking/production`);
    await page.locator(".timeline").first().waitFor();
    await sleep(800);
    if (w < 600) {
      await page
        .locator(".timeline")
        .first()
        .evaluate((el) => el.closest("section")?.scrollIntoView());
      await shoot(page, `plan-${w}.png`, false);
    } else await shoot(page, `plan-${w}.png`);
    await page.goto(`${d.url}/#/audit`);
    await page.locator(".audit-event").first().waitFor();
    await sleep(300);
    await shoot(page, `audit-${w}.png`, false);
    await page.goto(`${d.url}/#/segments`);
    await page.locator('tr[data-segment="staff"]').waitFor();
    await sleep(300);
    await shoot(page, `segments-${w}.png`);
    await page.goto(`${d.url}/#/tokens`);
    await page.locator("tr", { hasText: "billing worker" }).waitFor();
    await sleep(300);
    await shoot(page, `tokens-${w}.png`);
  }
} finally {
  await b.close();
  await d.close();
}
