import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { bundleBudget, JS_GZIP_BUDGET_BYTES } from "../../dashboard/vite.config.js";
import { buildDashboard } from "./harness.js";

// The dashboard's JavaScript stays under 120 KB gzipped: the build prints its size and fails above
// the budget (a Vite plugin in dashboard/vite.config.ts).

type Hook = (this: { error: (m: string) => never }, o: unknown, b: Record<string, unknown>) => void;

function runPlugin(budget: number, code: string) {
  const plugin = bundleBudget(budget);
  const printed: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => {
    printed.push(String(s));
    return true;
  }) as typeof process.stdout.write;
  try {
    (plugin.generateBundle as unknown as Hook).call(
      {
        error: (m: string) => {
          throw new Error(m);
        },
      },
      {},
      { "assets/index.js": { type: "chunk", code }, "assets/index.css": { type: "asset", source: "x" } },
    );
  } finally {
    process.stdout.write = write;
  }
  return printed.join("");
}

describe("dashboard bundle budget", () => {
  it("the built dashboard's JS is under 120 KB gzipped", async () => {
    expect(JS_GZIP_BUDGET_BYTES).toBe(120 * 1024);
    const dir = await buildDashboard();
    try {
      const assets = join(dir, "assets");
      const js = readdirSync(assets).filter((f) => f.endsWith(".js"));
      expect(js.length).toBeGreaterThan(0);
      const gzipped = js.reduce(
        (n, f) => n + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length,
        0,
      );
      expect(gzipped).toBeLessThan(JS_GZIP_BUDGET_BYTES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints the gzipped size and fails the build over the budget", () => {
    const code = "console.log('a rather small bundle');".repeat(50);
    expect(runPlugin(120 * 1024, code)).toMatch(
      /^dashboard JS: [\d.]+ KB, [\d.]+ KB gzipped \(budget 120\.0 KB\)\n$/,
    );
    expect(() => runPlugin(10, code)).toThrow(/over budget/);
  });
});
