import type { RouteEntry } from "../kernel/feature.js";

const MAX_CACHED = 10_000;

/**
 * Names the route template of a request (`/api/flags/{key}`) from the app's own route list, so
 * request metrics have a bounded set of labels whatever the paths (flag keys, plan ids) hold.
 * Paths are matched once and remembered, up to a bound; what matches no route is `unmatched`.
 */
export function routeTemplates(routes: readonly RouteEntry[]): (method: string, url: string) => string {
  const compiled = routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({
      method: r.method,
      label: r.path.replace(/:([A-Za-z_][\w]*)/g, "{$1}"),
      pattern: new RegExp(
        `^${r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z_][\w]*/g, "[^/]+")}$`,
      ),
    }));
  const cache = new Map<string, string>();
  return (method, url) => {
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const key = `${method} ${path}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let label = "unmatched";
    for (const r of compiled)
      if ((r.method === method || (method === "HEAD" && r.method === "GET")) && r.pattern.test(path)) {
        label = r.label;
        break;
      }
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, label);
    return label;
  };
}
