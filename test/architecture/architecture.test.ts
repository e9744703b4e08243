import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkImports, FEATURES, importsOf } from "./import-rules.js";

const root = new URL("../..", import.meta.url).pathname;

/** The tracked and untracked (not ignored) TypeScript sources of the server and the SDKs. */
function sources(): Map<string, string> {
  const listed = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "--", "server", "sdk"],
    { cwd: root, encoding: "utf8" },
  );
  const files = new Map<string, string>();
  for (const path of listed.split("\n")) {
    if (!path.endsWith(".ts") || !existsSync(join(root, path))) continue;
    files.set(path, readFileSync(join(root, path), "utf8"));
  }
  return files;
}

describe("the architecture, read from the imports", () => {
  it("holds every rule of docs/architecture.md", () => {
    const files = sources();
    expect(files.size).toBeGreaterThan(100);
    expect(checkImports(files)).toEqual([]);
  });

  it("gives every feature its module and its feature definition", () => {
    for (const name of FEATURES) {
      expect(existsSync(join(root, "server", name, "index.ts")), `server/${name}/index.ts`).toBe(true);
      expect(existsSync(join(root, "server", name, "feature.ts")), `server/${name}/feature.ts`).toBe(true);
    }
  });
});

describe("the import rules themselves", () => {
  const check = (files: Record<string, string>) =>
    checkImports(new Map(Object.entries(files))).map((v) => `${v.file}: ${v.rule}`);

  it("reads static, re-exported, dynamic and multi-line imports with their names", () => {
    const found = importsOf(
      [
        'import { a, type B as C } from "./x.js";',
        "import type {\n  D,\n  E,\n} from '../y.js';",
        'export { f } from "./z.js";',
        'const m = await import("./w.js");',
        'import "./side.js";',
      ].join("\n"),
    );
    expect(found.map((i) => i.spec)).toEqual(["./x.js", "../y.js", "./z.js", "./side.js", "./w.js"]);
    expect(found[0]!.names).toEqual(["a", "B"]);
    expect(found[1]!.names).toEqual(["D", "E"]);
  });

  it("fails sdk/core importing a package, node:*, or anything outside itself", () => {
    expect(
      check({
        "sdk/core/a.ts":
          'import { x } from "zod";\nimport { y } from "node:fs";\nimport { z } from "../node/z.js";',
      }),
    ).toHaveLength(3);
  });

  it("fails a feature importing another feature's internals, and passes its module", () => {
    expect(check({ "server/plans/a.ts": 'import { g } from "../guard/guard-rows.js";' })).toEqual([
      "server/plans/a.ts: a feature uses another only through its module (server/guard/index.ts)",
    ]);
    expect(check({ "server/plans/a.ts": 'import { g } from "../guard/index.js";' })).toEqual([]);
  });

  it("fails kernel code importing a feature, or anything importing the composition root", () => {
    expect(check({ "server/kernel/a.ts": 'import { f } from "../flags/index.js";' })).toEqual([
      "server/kernel/a.ts: kernel code never imports a feature",
    ]);
    expect(check({ "server/flags/a.ts": 'import { features } from "../features.js";' })).toHaveLength(1);
  });

  it("fails a feature reading another feature's table, and a circle between features", () => {
    expect(
      check({ "server/plans/a.ts": 'import { metricBuckets, rolloutPlans } from "../kernel/db/schema.js";' }),
    ).toEqual([
      "server/plans/a.ts: table `metricBuckets` belongs to metrics: ask that feature's module instead",
    ]);
    const circle = check({
      "server/guard/a.ts": 'import { p } from "../plans/index.js";',
      "server/plans/a.ts": 'import { g } from "../guard/index.js";',
    });
    expect(circle).toEqual(["server/guard: features import no circle"]);
  });

  it("fails the server importing an SDK shell", () => {
    expect(check({ "server/flags/a.ts": 'import { c } from "../../sdk/node/index.js";' })).toEqual([
      "server/flags/a.ts: the server imports sdk/core only, never an SDK shell",
    ]);
  });
});
