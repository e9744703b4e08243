import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.js";
import { Problem, problemResponse, problems } from "../http/problem.js";
import { KnownOrigins } from "./known-origins.js";
import type { AuthEnv } from "./require-token.js";
import type { Principal } from "./token-store.js";

const knownOrigins = new WeakMap<AppDeps, KnownOrigins>();

function allows(list: readonly string[] | undefined, origin: string): boolean {
  return list !== undefined && (list.includes(origin) || list.includes("*"));
}

/**
 * CORS for the routes browsers call (client API, OFREP). An origin is allowed by the server
 * setting (`corsOrigins`, from ROLLGUARD_CORS_ORIGINS) or by the token's own `allowedOrigins`.
 *
 * A preflight carries no token, so it passes when any live token (or the server) allows the
 * origin; the real request is then held to its own token by `requireAllowedOrigin`. Bearer tokens
 * travel in a header, never in cookies, so credentials are not allowed.
 */
export function cors(deps: AppDeps): MiddlewareHandler<AuthEnv> {
  let known = knownOrigins.get(deps);
  if (!known) {
    known = new KnownOrigins(deps.db, deps.clock);
    knownOrigins.set(deps, known);
  }
  const anyAllows = async (origin: string) => allows(deps.corsOrigins, origin) || (await known.has(origin));

  return async (c, next) => {
    const origin = c.req.header("origin");
    if (c.req.method === "OPTIONS") {
      if (!origin || !(await anyAllows(origin))) {
        return problemResponse(
          c,
          problems.forbidden(
            `origin ${origin ?? "(none)"} is not allowed: add it to the client token's allowedOrigins or to ROLLGUARD_CORS_ORIGINS`,
          ),
          { vary: "Origin" },
        );
      }
      return c.body(null, 204, {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers":
          c.req.header("access-control-request-headers") ?? "authorization, content-type, if-none-match",
        "access-control-max-age": "7200",
        vary: "Origin, Access-Control-Request-Headers",
      });
    }
    await next();
    // A stream writes its own head (with `corsHeaders`); the marker response is shared, never touched.
    if (!origin || c.res === RESPONSE_ALREADY_SENT) return;
    const principal = c.get("principal") as Principal | undefined;
    // Without a principal (401) the page may still read why, when the origin is one we know.
    const ok = principal ? originAllowed(deps, principal, origin) : await anyAllows(origin);
    c.res.headers.append("vary", "Origin");
    if (!ok) return;
    for (const [name, value] of Object.entries(corsHeaders(origin))) c.res.headers.set(name, value);
  };
}

/** The headers that let a page of `origin` read an answer (its origin was checked already). */
export function corsHeaders(origin: string): Record<string, string> {
  return { "access-control-allow-origin": origin, "access-control-expose-headers": "ETag" };
}

export function originAllowed(deps: AppDeps, principal: Principal, origin: string): boolean {
  return allows(deps.corsOrigins, origin) || allows(principal.allowedOrigins, origin);
}

/** After the token is known: a browser request from an origin its token does not allow is refused. */
export function checkOrigin(deps: AppDeps, principal: Principal, origin: string | undefined): void {
  if (origin && !originAllowed(deps, principal, origin))
    throw new Problem(
      403,
      "origin-not-allowed",
      `origin ${origin} is not allowed for this token: add it to the token's allowedOrigins or to ROLLGUARD_CORS_ORIGINS`,
    );
}
