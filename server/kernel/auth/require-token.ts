import type { MiddlewareHandler } from "hono";
import { problems } from "../http/problem.js";
import type { Scope } from "./token-secret.js";
import type { Principal, TokenStore } from "./token-store.js";

export type AuthEnv = { Variables: { principal: Principal } };

/** The secret of an `Authorization: Bearer <secret>` header. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/**
 * Requires a token of one of `scopes`. Admin tokens pass every check. `allowQuery` accepts the
 * token as `?token=` for EventSource, which cannot send headers.
 */
export function requireToken(
  tokens: TokenStore,
  scopes: readonly Scope[],
  opts: { allowQuery?: boolean } = {},
): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const secret =
      bearer(c.req.header("authorization")) ?? (opts.allowQuery ? c.req.query("token") : undefined);
    c.set("principal", await authenticate(tokens, scopes, secret));
    await next();
  };
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
  if (!principal) throw problems.unauthorized("the token is unknown or has been revoked");
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
