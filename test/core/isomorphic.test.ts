import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// sdk/core runs in browsers and in Node: it may import itself and `murmurhash`, nothing else, and
// must not touch Node or DOM globals (docs/STYLE.md: "draw the line around sdk/core, and let a
// check keep it"). This is that check, over every file there, tests beside the code excluded.
const dir = new URL("../../sdk/core/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

function code(file: string): string {
  // Comments may mention anything; strip them (roughly, which is enough for our own files).
  return readFileSync(new URL(file, dir), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
}

describe("sdk/core stays isomorphic", () => {
  it("has files to check", () => {
    expect(files).toContain("evaluate.ts");
  });

  it.each(files)("%s imports only sdk/core and murmurhash", (file) => {
    const specifiers = [...code(file).matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(specifiers.filter((s) => !s!.startsWith("./") && s !== "murmurhash")).toEqual([]);
    expect(code(file)).not.toMatch(/\brequire\s*\(/);
  });

  it.each(files)("%s uses no Node or DOM globals", (file) => {
    expect(code(file)).not.toMatch(/\b(process|Buffer|window|document|navigator|localStorage|TextEncoder)\b/);
  });
});
