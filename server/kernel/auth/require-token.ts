import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.js";
import { Problem, problems } from "../http/problem.js";
import type { Caller, LimitClass } from "./rate-limits.js";
import type { Scope } from "./token-secret.js";
import type { Principal, TokenStore } from "./token-store.js";

export type AuthEnv = { Variables: { principal: Principal } };

/** The secret of an `Authorization: Bearer <secret>` header. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const ADMIN_OR_READ: readonly Scope[] = ["admin", "read"];

/**
 * Requires a token of one of `scopes`. Admin tokens pass every check. `allowQuery` accepts the
 * token as `?token=` for EventSource, which cannot send headers. `limit` is the rate limit the
 * route counts against; routes only admin tokens may call count their writes as `adminWrite`.
 * Those routes also take `read` tokens for GET and HEAD, and refuse their writes (403).
 */
export function requireToken(
  deps: AppDeps,
  scopes: readonly Scope[],
  opts: { allowQuery?: boolean; limit?: LimitClass } = {},
): MiddlewareHandler<AuthEnv> {
  const adminOnly = scopes.length === 1 && scopes[0] === "admin";
  return async (c, next) => {
    const secret =
      bearer(c.req.header("authorization")) ?? (opts.allowQuery ? c.req.query("token") : undefined);
    const caller = callerOf(deps, c);
    const safe = SAFE_METHODS.has(c.req.method);
    // The admin API's reads take read tokens too; its writes refuse them with a detail of their own.
    const principal = await admitToken(deps, adminOnly && safe ? ADMIN_OR_READ : scopes, secret, caller);
    c.set("principal", principal);
    const limit = opts.limit ?? (adminOnly && !safe ? "adminWrite" : undefined);
    if (limit) deps.limits.admit(limit, principal, caller);
    await next();
  };
}

/** Who sent a Hono request: the node:http request behind it when there is one (else the web Request). */
export function callerOf(deps: AppDeps, c: Context): Caller {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  return deps.limits.caller(
    incoming?.socket.remoteAddress,
    c.req.header("x-forwarded-for"),
    incoming ?? c.req.raw,
  );
}

/**
 * `authenticate`, with failures counted per client address: past the limit a failure answers
 * 429 instead of 401. A valid token is never held back by the failures of others at its address.
 */
export async function admitToken(
  deps: AppDeps,
  scopes: readonly Scope[],
  secret: string | undefined,
  caller: Caller,
): Promise<Principal> {
  return countFailure(deps, caller, async () => await authenticate(deps.tokens, scopes, secret));
}

/**
 * `admitToken` from memory only, for the evaluate lane: the principal, or undefined when the
 * token is not cached yet (the route then awaits the lookup). Failures count as in `admitToken`.
 */
export function admitCachedToken(
  deps: AppDeps,
  scopes: readonly Scope[],
  secret: string | undefined,
  caller: Caller,
): Principal | undefined {
  const cached = secret ? deps.tokens.cached(secret) : null;
  if (cached === undefined) return undefined;
  try {
    return admitPrincipal(scopes, secret, cached);
  } catch (error) {
    if (error instanceof Problem && error.status === 401) deps.limits.failedAuthentication(caller);
    throw error;
  }
}

async function countFailure<T>(deps: AppDeps, caller: Caller, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Problem && error.status === 401) deps.limits.failedAuthentication(caller);
    throw error;
  }
}

/**
 * The token check itself, for any pipeline that has the secret in hand (the middleware above,
 * the client API's gate): the principal, or the 401/403 Problem that answers the request.
 */
export async function authenticate(
  tokens: TokenStore,
  scopes: readonly Scope[],
  secret: string | undefined,
): Promise<Principal> {
  return admitPrincipal(scopes, secret, secret ? await tokens.resolve(secret) : null);
}

/**
 * The checks on a principal already looked up (by `resolve`, or from memory by `cached` in the
 * evaluate lane): there is one, and its scope is allowed. Throws the 401/403 Problem.
 */
export function admitPrincipal(
  scopes: readonly Scope[],
  secret: string | undefined,
  principal: Principal | null,
): Principal {
  if (!secret) throw problems.unauthorized("send a token as `Authorization: Bearer <token>`");
  if (!principal) throw problems.unauthorized("the token is unknown, revoked or expired: send a valid token");
  if (!scopeAllows(principal, scopes) && principal.scope === "read")
    throw problems.forbidden(
      `this is a read token: it may only read the admin API (GET, HEAD); this request needs ${[...new Set([...scopes, "admin"])].map(withArticle).join(" or ")} token`,
    );
  if (!scopeAllows(principal, scopes))
    throw problems.forbidden(
      `this route needs ${[...new Set([...scopes, "admin"])].map(withArticle).join(" or ")} token; this one is ${withArticle(principal.scope)} token`,
    );
  return principal;
}

/** Admin tokens pass every scope check; the others must be one of `scopes`. */
export function scopeAllows(principal: Principal, scopes: readonly Scope[]): boolean {
  return principal.scope === "admin" || scopes.includes(principal.scope);
}

const withArticle = (scope: string) => (scope === "admin" ? "an admin" : `a ${scope}`);

export function actorOf(p: Principal): string {
  return `token:${p.name} (${p.tokenId})`;
}
