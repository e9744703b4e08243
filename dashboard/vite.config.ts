import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

/** `npm run build:dashboard`: dashboard/ → dist/dashboard/ (index.html + hashed assets/). */
export default defineConfig({
  root: here,
  base: "./",
  plugins: [preact()],
  build: {
    outDir: join(here, "../dist/dashboard"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
});
