import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipBrowser } from "../browser/harness.js";
import {
  createFlag,
  type Dashboard,
  launchChromium,
  signedInPage,
  startDashboard,
  until,
} from "./harness.js";

// The Segments page and the tokens page's expiry, last use and rotation, in real chromium against
// a real server: what the UI does is read back through the REST API.

let dashboard: Dashboard;
let browser: Browser;

const segment = async (key: string) => (await dashboard.api("GET", `/api/segments/${key}`)).body;

describe.skipIf(skipBrowser)("dashboard: segments and token lifecycle (real chromium)", () => {
  beforeAll(async () => {
    [dashboard, browser] = await Promise.all([startDashboard({ tickMs: 200 }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it("the nav leads to Segments; a segment is created with ids and a condition, then edited", async () => {
    const { context, page, errors } = await signedInPage(browser, dashboard);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Segments" }).click();
    await page.getByRole("heading", { name: "Segments", level: 1 }).waitFor();
    await page.getByText("No segments yet.").waitFor();

    await page.getByRole("button", { name: "New segment" }).click();
    await page.getByLabel("Key").fill("beta-testers");
    await page.getByLabel("Description").fill("Signed up for the beta");
    await page.getByLabel(/^Ids/).fill("u-1\nu-2, u-3\nu-2");
    await page.getByText("3 ids (up to 10,000)").waitFor();
    await page.getByRole("button", { name: "Add condition" }).click();
    const first = page.getByRole("group", { name: "Condition 1" });
    await first.getByLabel("Attribute").fill("email");
    await first.getByLabel("Operator").selectOption("ends_with");
    await first.getByLabel(/^Values/).fill("@corp.example");
    await first.getByLabel("ignore case").check();
    await page.getByRole("button", { name: "Create segment" }).click();
    await page.getByText("Created segment beta-testers (version 1).").waitFor();
    expect(await segment("beta-testers")).toMatchObject({
      description: "Signed up for the beta",
      idAttribute: "userId",
      ids: ["u-1", "u-2", "u-3"],
      conditions: [
        { attribute: "email", operator: "ends_with", values: ["@corp.example"], caseInsensitive: true },
      ],
      version: 1,
    });
    const row = page.locator('tr[data-segment="beta-testers"]');
    await row.getByText("3 ids").waitFor();
    await row.getByText('email ends with "@corp.example" (ignoring case)').waitFor();

    // Edit: the form opens with what the segment holds; a numeric operator sends numbers.
    await page.getByRole("button", { name: "Edit beta-testers" }).click();
    const form = page.locator("form#edit-segment");
    expect(await form.getByLabel(/^Ids/).inputValue()).toBe("u-1\nu-2\nu-3");
    await form.getByLabel(/^Ids/).fill("u-2\nu-4");
    await form.getByRole("button", { name: "Add condition" }).click();
    const second = form.getByRole("group", { name: "Condition 2" });
    await second.getByLabel("Attribute").fill("age");
    await second.getByLabel("Operator").selectOption("gte");
    await second.getByLabel(/^Values/).fill("eighteen");
    await form.getByRole("button", { name: "Save segment" }).click();
    await form.getByText("Condition 2: gte compares numbers").waitFor();
    expect((await segment("beta-testers")).version).toBe(1);
    await second.getByLabel(/^Values/).fill("18");
    await form.getByRole("button", { name: "Save segment" }).click();
    await page.getByText("Saved segment beta-testers (version 2).").waitFor();
    expect(await segment("beta-testers")).toMatchObject({
      ids: ["u-2", "u-4"],
      conditions: [
        { attribute: "email", operator: "ends_with", values: ["@corp.example"], caseInsensitive: true },
        { attribute: "age", operator: "gte", values: [18] },
      ],
      version: 2,
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("an edit that meets someone else's change is refused (412) and changes nothing", async () => {
    await dashboard.api("POST", "/api/segments", { key: "raced", ids: ["a"] });
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/segments" });
    await page.getByRole("button", { name: "Edit raced" }).click();
    await page.locator("form#edit-segment").getByLabel("Description").fill("mine");
    const theirs = await dashboard.api("PATCH", "/api/segments/raced", { description: "theirs" });
    expect(theirs.status).toBe(200);
    // The open page hears of it and its list shows version 2; the form keeps what was typed.
    await page.locator('tr[data-segment="raced"]').getByText("version 2").waitFor();
    expect(await page.locator("form#edit-segment").getByLabel("Description").inputValue()).toBe("mine");
    await page.getByRole("button", { name: "Save segment" }).click();
    await page
      .getByText(/Someone changed this segment since you opened it \(it is at version 2 now\)/)
      .waitFor();
    expect(await segment("raced")).toMatchObject({ description: "theirs", version: 2 });
    await context.close();
  });

  it("deleting a segment a rule uses is refused, naming the flag and environment; an unused one goes", async () => {
    await dashboard.api("POST", "/api/segments", { key: "in-use", ids: ["u-1"] });
    await dashboard.api("POST", "/api/segments", { key: "unused", ids: ["u-1"] });
    await createFlag(dashboard, "uses-segment");
    const rules = [{ id: "beta", segments: ["in-use"], variant: "true" }];
    expect(
      (await dashboard.api("PATCH", "/api/flags/uses-segment/environments/staging", { rules })).status,
    ).toBe(200);
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/segments" });
    await page
      .locator('tr[data-segment="in-use"]')
      .getByRole("link", { name: "uses-segment in staging" })
      .waitFor();

    await page.getByRole("button", { name: "Delete in-use" }).click();
    await page.getByRole("button", { name: "Delete now" }).click();
    const refusal = page
      .getByRole("alert")
      .filter({ hasText: "Segment in-use is in use and was not deleted" });
    await refusal.waitFor();
    const link = refusal.getByRole("link", { name: "uses-segment in staging" });
    expect(await link.getAttribute("href")).toBe("#/flags/uses-segment/staging");
    expect((await dashboard.api("GET", "/api/segments/in-use")).status).toBe(200);

    await page.getByRole("button", { name: "Delete unused" }).click();
    await page.getByRole("button", { name: "Delete now" }).click();
    await page.getByText("Deleted segment unused.").waitFor();
    await page.locator('tr[data-segment="unused"]').waitFor({ state: "detached" });
    expect((await dashboard.api("GET", "/api/segments/unused")).status).toBe(404);
    await context.close();
  });

  it("tokens: a read token with an expiry; each token's expiry and last use are listed", async () => {
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/tokens" });
    await page.getByLabel("Scope").selectOption("read");
    // Read tokens span every environment: no environment to choose.
    expect(await page.getByLabel("Environment").count()).toBe(0);
    await page.getByLabel("Name").fill("wall screen");
    await page.getByLabel("Expires", { exact: true }).selectOption("30d");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = await page.getByLabel("New token secret").inputValue();
    expect(secret).toMatch(/^rg_read_/);
    const listed = (await dashboard.api("GET", "/api/tokens")).body.tokens.find(
      (t: { name: string }) => t.name === "wall screen",
    );
    expect(listed.scope).toBe("read");
    const days = (Date.parse(listed.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    await page.getByRole("button", { name: "I have stored it" }).click();

    const row = page.locator(`tr[data-token-id="${listed.id}"]`);
    const cell = (label: string) => row.locator(`td[data-label="${label}"]`);
    expect((await cell("Last used").innerText()).trim()).toBe("never");
    expect((await cell("Expires").innerText()).trim()).not.toBe("never");
    // Used once: the list says when (the server shows a use at once, before its minute flush).
    const read = await fetch(`${dashboard.rollguard.url}/api/flags`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(read.status).toBe(200);
    await page.reload();
    await until(async () => (await cell("Last used").innerText()).trim() !== "never", "the last use to show");

    // A date in the past is refused before anything is sent.
    await page.getByLabel("Expires", { exact: true }).selectOption("date");
    await page.getByLabel("Expires on").fill("2020-01-01");
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByText("Expires on: pick a date after today").waitFor();
    await context.close();
  });

  it("tokens: Rotate shows the new secret once and the grace; both secrets work through it", async () => {
    const made = await dashboard.api("POST", "/api/tokens", {
      scope: "server",
      environment: "production",
      name: "billing worker",
    });
    const oldSecret = made.body.token as string;
    const { context, page } = await signedInPage(browser, dashboard, { hash: "#/tokens" });
    await page.getByRole("button", { name: "Rotate billing worker" }).click();
    const question = page.getByRole("form", { name: "Rotate billing worker" });
    await question.getByLabel("The old secret works").selectOption(String(86_400));
    await question.getByRole("button", { name: "Rotate now" }).click();
    const box = page.getByLabel("Rotated token secret");
    await box.waitFor();
    const fresh = await box.inputValue();
    expect(fresh).toMatch(/^rg_server_/);
    expect(fresh).not.toBe(oldSecret);
    const notice = page.getByRole("alert").filter({ hasText: "Token “billing worker” rotated" });
    await notice.getByText(/The old secret keeps working until /).waitFor();
    const token = (await dashboard.api("GET", "/api/tokens")).body.tokens.find(
      (t: { id: string }) => t.id === made.body.id,
    );
    const hours = (Date.parse(token.previousSecretValidUntil) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    for (const secret of [oldSecret, fresh]) {
      const res = await fetch(`${dashboard.rollguard.url}/api/sdk/flags`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(res.status).toBe(200);
    }
    await page.getByRole("button", { name: "I have stored it" }).click();
    await box.waitFor({ state: "detached" });
    await page
      .locator(`tr[data-token-id="${made.body.id}"]`)
      .getByText(/rotated; the old secret works until/)
      .waitFor();
    expect(await page.content()).not.toContain(fresh);
    await context.close();
  });
});
