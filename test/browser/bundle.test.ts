import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildBrowserBundle } from "./harness.js";

describe("the browser bundle (scripts/build-browser.mjs)", () => {
  it("is one ESM file under 4 KB gzipped, with the size printed, and no evaluation code", async () => {
    const { file, output } = await buildBrowserBundle();
    const code = readFileSync(file);
    const gzipped = gzipSync(code, { level: 9 }).length;
    expect(output).toMatch(new RegExp(`${gzipped} bytes gzipped`));
    expect(gzipped).toBeLessThan(4096);
    const text = code.toString("utf8");
    expect(text).toMatch(/export\s*\{/);
    expect(text).not.toMatch(/\bimport\b[^(]/); // no runtime dependencies
    // The bucketing seed and hash constants of sdk/core never ship to browsers.
    expect(text).not.toContain("86028157");
    expect(text).not.toContain("3432918353");
  });
});
