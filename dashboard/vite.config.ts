import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

/** The dashboard's JavaScript, gzipped, may not exceed this: the build fails above it. */
export const JS_GZIP_BUDGET_BYTES = 120 * 1024;

/**
 * Prints the bundle's JavaScript size gzipped (every chunk, as a browser downloads it), and fails
 * the build when it is over the budget.
 */
export function bundleBudget(budget = JS_GZIP_BUDGET_BYTES): Plugin {
  return {
    name: "rollguard-bundle-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      let raw = 0;
      let gzipped = 0;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        raw += Buffer.byteLength(chunk.code);
        gzipped += gzipSync(chunk.code, { level: 9 }).length;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const line = `dashboard JS: ${kb(raw)}, ${kb(gzipped)} gzipped (budget ${kb(budget)})`;
      // Printed through stdout even when Vite's own log level hides info lines.
      process.stdout.write(`${line}\n`);
      if (gzipped > budget) this.error(`${line}: over budget`);
    },
  };
}

/** `npm run build:dashboard`: dashboard/ → dist/dashboard/ (index.html + hashed assets/). */
export default defineConfig({
  root: here,
  base: "./",
  plugins: [preact(), bundleBudget()],
  build: {
    outDir: join(here, "../dist/dashboard"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
});
