import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.js";
import { problems } from "../http/problem.js";
import { checkOrigin, cors } from "./cors.js";
import type { Caller, LimitClass } from "./rate-limits.js";
import { type AuthEnv, admitCachedToken, admitToken, bearer, callerOf } from "./require-token.js";
import type { Principal } from "./token-store.js";

/** Who may call the browser-facing routes (admin tokens pass every check). */
export const CLIENT_API_SCOPES = ["client", "server"] as const;

/** What the access checks read of a request: Hono's context and a raw Node request both give it. */
export interface RequestHead {
  authorization: string | undefined;
  origin: string | undefined;
  /** `?token=`, only where EventSource must send the token that way (it cannot send headers). */
  queryToken?: string | undefined;
  /** `?ticket=`: a short-lived stream ticket instead of the token (see stream-ticket.ts). */
  ticket?: string | undefined;
  /** Who sent it, for the rate limits. */
  caller: Caller;
  /** The rate limit it counts against (default: evaluation). */
  limit?: LimitClass;
}

/**
 * Every check a browser-facing request passes before its handler, in order: a token of a client
 * API scope (failures counted per address), then an origin that token (or the server) allows,
 * then the rate limits of the token and the address. It is one function so that the
 * Hono middleware chain and the evaluate lane in front of Hono run exactly the same checks: a
 * check added here holds on both, and neither pipeline can have one the other lacks. Returns the
 * principal, or throws the Problem that answers the request. `known` hears of the principal as
 * soon as the token passed, so an answer refused for its origin is still known to be this token's.
 */
export async function admitBrowserRequest(
  deps: AppDeps,
  head: RequestHead,
  known?: (principal: Principal) => void,
): Promise<Principal> {
  const secret = bearer(head.authorization);
  const principal =
    secret === undefined && head.ticket !== undefined
      ? await admitTicket(deps, head.ticket, head.caller)
      : await admitToken(deps, CLIENT_API_SCOPES, secret ?? head.queryToken, head.caller);
  return admitResolved(deps, head, principal, known);
}

/**
 * `admitBrowserRequest` from memory only, for the evaluate lane: the principal, or undefined when
 * its token is not in the token cache (the lane then hands the request to the route). Throws as
 * `admitBrowserRequest` does.
 */
export function admitCachedBrowserRequest(deps: AppDeps, head: RequestHead): Principal | undefined {
  if (bearer(head.authorization) === undefined && head.ticket !== undefined) return undefined;
  const secret = bearer(head.authorization) ?? head.queryToken;
  const principal = admitCachedToken(deps, CLIENT_API_SCOPES, secret, head.caller);
  return principal === undefined ? undefined : admitResolved(deps, head, principal);
}

/** The checks after the token: its origin, then the rate limits. */
function admitResolved(
  deps: AppDeps,
  head: RequestHead,
  principal: Principal,
  known?: (principal: Principal) => void,
): Principal {
  known?.(principal);
  checkOrigin(deps, principal, head.origin);
  deps.limits.admit(head.limit ?? "evaluate", principal, head.caller);
  return principal;
}

/** A stream ticket's principal; a ticket that does not hold is a failed authentication. */
async function admitTicket(deps: AppDeps, ticket: string, caller: Caller): Promise<Principal> {
  const principal = await deps.tokens.resolveTicket(ticket);
  if (principal) return principal;
  deps.limits.failedAuthentication(caller);
  throw problems.unauthorized(
    "the stream ticket is unknown, expired or its token revoked: get a new one with POST /api/client/stream-ticket",
  );
}

/**
 * The middlewares of a browser-facing route group: CORS (preflights, and the headers that let a
 * page read the answer), then `admitBrowserRequest`.
 */
export function browserAccess(
  deps: AppDeps,
  opts: { allowQuery?: boolean; allowTicket?: boolean; limit?: LimitClass } = {},
): MiddlewareHandler<AuthEnv>[] {
  const admit: MiddlewareHandler<AuthEnv> = async (c, next) => {
    // CORS reads the principal after the handler: a refused origin gets no CORS headers.
    const head = {
      authorization: c.req.header("authorization"),
      origin: c.req.header("origin"),
      queryToken: opts.allowQuery ? c.req.query("token") : undefined,
      ticket: opts.allowTicket ? c.req.query("ticket") : undefined,
      caller: callerOf(deps, c),
      limit: opts.limit,
    };
    await admitBrowserRequest(deps, head, (principal) => c.set("principal", principal));
    await next();
  };
  return [cors(deps), admit];
}
