#!/usr/bin/env node
// Builds the browser SDK (sdk/browser) into one ESM file with no runtime dependencies and prints
// its gzipped size. Fails when the bundle pulls in any of sdk/core beyond what it shares with the
// Node SDK (the outcome recorder with its wire constants, and the reconnect backoff): values
// arrive evaluated, so the evaluator must never ship to browsers. Fails past its budget too.
//
//   node scripts/build-browser.mjs                  -> dist/browser/rollguard.js
//   node scripts/build-browser.mjs --outdir /tmp/x  -> /tmp/x/rollguard.js
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const budget = 4096;
const at = process.argv.indexOf("--outdir");
const outdir = at > 0 ? resolve(process.argv[at + 1]) : join(root, "dist/browser");
const outfile = join(outdir, "rollguard.js");

const result = await build({
  entryPoints: [join(root, "sdk/browser/index.ts")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  minify: true,
  write: false,
  metafile: true,
  legalComments: "none",
  absWorkingDir: root,
});

const SHARED = [
  "sdk/core/backoff.ts",
  "sdk/core/metrics-recorder.ts",
  "sdk/core/metrics-report.ts",
  "sdk/core/latency-buckets.ts",
];
const leaked = Object.keys(result.metafile.inputs).filter(
  (p) => !p.startsWith("sdk/browser/") && !SHARED.includes(p),
);
if (leaked.length > 0) {
  console.error(`browser bundle must hold only sdk/browser, but it includes: ${leaked.join(", ")}`);
  process.exit(1);
}
const code = result.outputFiles[0].contents;
mkdirSync(outdir, { recursive: true });
writeFileSync(outfile, code);
const gzipped = gzipSync(code, { level: 9 }).length;
console.log(`${outfile}: ${code.length} bytes, ${gzipped} bytes gzipped (budget ${budget})`);
if (gzipped >= budget) {
  console.error(`the browser bundle is over its budget of ${budget} bytes gzipped`);
  process.exit(1);
}
