import { useEffect, useState } from "preact/hooks";

/**
 * The page the hash names: `#/flags`, `#/flags/<key>/<env>`, `#/segments`, `#/audit`, `#/tokens`,
 * `#/webhooks`.
 */
export type Route =
  | { page: "flags" }
  | { page: "flag"; key: string; env: string | null }
  | { page: "segments" }
  | { page: "audit"; flag: string | null }
  | { page: "tokens" }
  | { page: "webhooks" };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case "flags":
      return parts[1] ? { page: "flag", key: parts[1], env: parts[2] ?? null } : { page: "flags" };
    case "segments":
      return { page: "segments" };
    case "audit":
      return { page: "audit", flag: params.get("flag") };
    case "tokens":
      return { page: "tokens" };
    case "webhooks":
      return { page: "webhooks" };
    default:
      return { page: "flags" };
  }
}

export function flagHref(key: string, env?: string): string {
  return `#/flags/${encodeURIComponent(key)}${env ? `/${encodeURIComponent(env)}` : ""}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
