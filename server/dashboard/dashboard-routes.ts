// The web dashboard (dashboard/, built by `npm run build:dashboard` into dist/dashboard/), served
// by the Rollguard process itself at `/`. Mounted by the server's feature list; this module
// only knows how to serve the built files, and nothing about the API the dashboard calls.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where the built dashboard is: `dist/dashboard/` at the package root, seen from this file in
 * `server/dashboard/` (run through tsx) or from `dist/server/dashboard/` (compiled).
 */
export function defaultDashboardDir(): string {
  const candidates = [resolve(here, "../../dist/dashboard"), resolve(here, "../../dashboard")];
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? candidates[0]!;
}

/** Hashed file names never change content: a year, immutable. The page itself is always revalidated. */
const ASSET_CACHE = "public, max-age=31536000, immutable";
const PAGE_CACHE = "no-cache";

/**
 * The page runs only its own bundles: no inline script or style element, no eval, nothing from
 * elsewhere; it talks only to this server, and no other site may frame it (clickjacking).
 * `data:` images are the favicon. Styles set from script (Preact's `style`, uPlot) go through
 * the CSSOM, which `style-src` does not restrict.
 */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * `/` and `/index.html`: the page (no-cache); `/assets/*`: the bundles (long cache). Anything else
 * falls through to the next handler, so the API's 404s stay problem+json.
 */
export function dashboardRoutes(distDir: string = defaultDashboardDir()) {
  const root = resolve(distDir);
  const app = new Hono();

  const page = serveStatic({ root, path: "index.html" });
  const servePage: MiddlewareHandler = async (c, next) => {
    if (!existsSync(join(root, "index.html")))
      return c.text("The dashboard is not built: run `npm run build:dashboard`.\n", 503, {
        "cache-control": "no-store",
      });
    c.header("Cache-Control", PAGE_CACHE);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Content-Security-Policy", PAGE_CSP);
    c.header("X-Frame-Options", "DENY");
    return page(c, next);
  };
  app.get("/", servePage);
  app.get("/index.html", servePage);

  const assets = serveStatic({ root });
  app.get("/assets/*", async (c, next) => {
    c.header("Cache-Control", ASSET_CACHE);
    c.header("X-Content-Type-Options", "nosniff");
    return assets(c, next);
  });
  return app;
}
