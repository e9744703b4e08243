import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const root = new URL("../..", import.meta.url).pathname;

/**
 * Browser tests need Debian's chromium. Without it they are skipped, loudly, on a developer's
 * machine only: under CI (`.ci/run` installs chromium) they must run, and fail if they cannot.
 */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;
if (skipBrowser)
  console.warn(
    `[browser tests] SKIPPED: ${CHROMIUM} is absent (apt-get install chromium); under CI they run.`,
  );

/** Runs the real build script into a temp dir, as `npm run build` does; returns the file and what it printed. */
export async function buildBrowserBundle(): Promise<{ file: string; output: string }> {
  const outdir = mkdtempSync(join(tmpdir(), "rollguard-browser-"));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["scripts/build-browser.mjs", "--outdir", outdir],
    {
      cwd: root,
    },
  );
  return { file: join(outdir, "rollguard.js"), output: stdout };
}

/** sdk/core as a browser ESM bundle, to run the bucketing vectors in a real browser. */
export async function buildCoreForBrowser(): Promise<string> {
  const result = await build({
    entryPoints: [join(root, "sdk/core/index.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    write: false,
  });
  return result.outputFiles[0]!.text;
}

export function bucketingVectorsJson(): string {
  const local = join(root, "test/vectors/bucketing-vectors.json");
  return readFileSync(existsSync(local) ? local : "/work/shared/docs/bucketing-vectors.json", "utf8");
}

export function unleashVectorsJson(): string {
  return readFileSync(join(root, "test/vectors/unleash-bucketing-vectors.json"), "utf8");
}

/** A tiny static server: the page and the bundles come from another origin than Rollguard's, so CORS is real. */
export async function staticServer(files: Record<string, { type: string; body: string | Buffer }>) {
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags chromium keeps calling out to a closed network.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
