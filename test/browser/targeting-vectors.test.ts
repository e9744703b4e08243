import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetingVectors, targetingVectorsText } from "../core/targeting-vectors.js";
import { buildCoreForBrowser, launchChromium, skipBrowser, staticServer } from "./harness.js";

const PAGE = "<!doctype html><html><body>targeting vectors</body></html>";

describe.skipIf(skipBrowser)("targeting vectors in headless Chromium", () => {
  let site: Awaited<ReturnType<typeof staticServer>>;
  let browser: Browser;

  beforeAll(async () => {
    site = await staticServer({
      "/": { type: "text/html", body: PAGE },
      "/core.js": { type: "text/javascript", body: await buildCoreForBrowser() },
      "/vectors.json": { type: "application/json", body: targetingVectorsText },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it("sdk/core in the browser agrees with every case (segments, prerequisites, operators)", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.origin}/`);
    // A string, not a function: vitest would rewrite a function's dynamic import() for Node.
    const got: { results: Array<{ variant: string | null; reason: string; errorCode?: string }> } =
      await page.evaluate(`(async () => {
        const core = await import("/core.js");
        const v = await (await fetch("/vectors.json")).json();
        const store = new core.FlagStore({ environment: "vectors", revision: 1, flags: v.flags, segments: v.segments });
        const results = v.cases.map((c) => {
          const flag = store.get(c.flag);
          const r = store.evaluate(c.flag, c.context, flag.type === "boolean" ? false : "");
          return { variant: r.reason === "ERROR" ? null : (r.variant ?? null), reason: r.reason, ...(r.errorCode ? { errorCode: r.errorCode } : {}) };
        });
        return { results };
      })()`);
    const want = targetingVectors.cases.map((c) => ({
      variant: c.variant,
      reason: c.reason,
      ...(c.errorCode ? { errorCode: c.errorCode } : {}),
    }));
    expect(got.results).toEqual(want);
    await page.close();
  });
});
