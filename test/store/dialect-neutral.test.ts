import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SERVER = new URL("../../server", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("one code path for both dialects", () => {
  it("no server file runs a query with SQLite's synchronous .get(), .all() or .run()", () => {
    const offenders: string[] = [];
    for (const file of sources(SERVER)) {
      // The SQLite store itself speaks better-sqlite3; comments may name the methods.
      if (file.endsWith("kernel/db/sqlite-store.ts")) continue;
      const code = readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line));
      code.forEach((line, i) => {
        if (/\.(get|all|run)\(\)/.test(line))
          offenders.push(`${file.slice(SERVER.length + 1)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
