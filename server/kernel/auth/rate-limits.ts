import type { Clock } from "../clock.js";
import { Problem } from "../http/problem.js";
import { formatRate, type Rate, TokenBuckets } from "../http/token-bucket.js";
import type { Principal } from "./token-store.js";

/** The kinds of request that are limited, each per token and per client address. */
export type LimitClass = "evaluate" | "metrics" | "adminWrite";

export interface PairOfRates {
  /** Per token: everything one token's holders send together (a client token: a whole site). */
  token?: Rate | null;
  /** Per client address: one machine, or one NAT of many. */
  address?: Rate | null;
}

/** The server's limits; `null` turns one off. Defaults: `DEFAULT_RATE_LIMITS` (docs/security.md). */
export interface RateLimitOptions {
  /** Failed authentications (401) per client address. */
  authFailures?: Rate | null;
  evaluate?: PairOfRates;
  metrics?: PairOfRates;
  adminWrite?: PairOfRates;
  /**
   * Behind a reverse proxy every request comes from the proxy's address: with this set, the
   * client address is the last entry of `X-Forwarded-For` (the one the proxy added) instead.
   */
  trustProxy?: boolean;
}

/**
 * Chosen so that a healthy fleet never meets them (the figures are in docs/security.md): a
 * browser evaluates once per page load and reports every 10 s; a server SDK downloads once,
 * streams, and reports every 10 s; a person or a CI job writes a few changes a second.
 */
export const DEFAULT_RATE_LIMITS = {
  authFailures: { requests: 30, perSeconds: 60 },
  evaluate: {
    token: { requests: 50_000, perSeconds: 10 },
    address: { requests: 1_000, perSeconds: 10 },
  },
  metrics: {
    token: { requests: 10_000, perSeconds: 10 },
    address: { requests: 300, perSeconds: 10 },
  },
  adminWrite: {
    token: { requests: 1_200, perSeconds: 60 },
    address: { requests: 1_200, perSeconds: 60 },
  },
} satisfies Required<Omit<RateLimitOptions, "trustProxy">>;

/** The settings that name each limit, so a 429 says which one to raise. */
const SETTING: Record<LimitClass | "authFailures", string> = {
  authFailures: "ROLLGUARD_RATE_LIMIT_AUTH_FAILURES",
  evaluate: "ROLLGUARD_RATE_LIMIT_EVALUATE",
  metrics: "ROLLGUARD_RATE_LIMIT_METRICS",
  adminWrite: "ROLLGUARD_RATE_LIMIT_ADMIN_WRITES",
};

const WHAT: Record<LimitClass, string> = {
  evaluate: "evaluation requests",
  metrics: "metrics reports",
  adminWrite: "admin writes",
};

/** Who is asking: the client's address, and the request (the lane and Hono ask about the same one). */
export interface Caller {
  address: string;
  /** The node:http request, when there is one: a request is charged once, whichever pipeline asks. */
  request?: object | undefined;
}

type Buckets = { token: TokenBuckets | null; address: TokenBuckets | null };

/**
 * The rate limits of one server: token buckets per token and per client address for each limited
 * kind of request, and per address for failed authentications. A refusal is a 429 with
 * `Retry-After`. The evaluate lane and the Hono routes both ask through the access checks
 * (`admitBrowserRequest`, `requireToken`); a request the lane hands to Hono was charged already,
 * so the second ask answers what the first decided instead of charging again.
 */
export class RateLimits {
  readonly #failures: TokenBuckets | null;
  readonly #classes: Record<LimitClass, Buckets>;
  readonly #decided = new WeakMap<object, Problem | null>();
  readonly #trustProxy: boolean;

  constructor(options: RateLimitOptions, clock: Clock) {
    this.#trustProxy = options.trustProxy === true;
    const now = () => clock.now();
    const buckets = (rate: Rate | null | undefined) => (rate ? new TokenBuckets(rate, now) : null);
    const pair = (cls: LimitClass): Buckets => {
      const given = options[cls] ?? {};
      const rates = DEFAULT_RATE_LIMITS[cls];
      return {
        token: buckets(given.token === undefined ? rates.token : given.token),
        address: buckets(given.address === undefined ? rates.address : given.address),
      };
    };
    this.#failures = buckets(
      options.authFailures === undefined ? DEFAULT_RATE_LIMITS.authFailures : options.authFailures,
    );
    this.#classes = { evaluate: pair("evaluate"), metrics: pair("metrics"), adminWrite: pair("adminWrite") };
  }

  /** The caller of a request: its socket's address, or the proxy's word for it (`trustProxy`). */
  caller(socketAddress: string | undefined, forwardedFor: string | undefined, request: object): Caller {
    if (this.#trustProxy && forwardedFor) {
      const last = forwardedFor.slice(forwardedFor.lastIndexOf(",") + 1).trim();
      if (last !== "") return { address: last, request };
    }
    return { address: socketAddress ?? "unknown", request };
  }

  /** A failed authentication from `caller`: throws the 429 once its address has failed too often. */
  failedAuthentication(caller: Caller): void {
    const bucket = this.#failures;
    if (bucket === null) return;
    this.#once(caller, () => {
      const wait = bucket.take(caller.address);
      return wait === 0
        ? null
        : tooMany(
            `too many failed authentications from ${caller.address}: send a valid token as \`Authorization: Bearer <token>\` after ${wait} s (at most ${formatRate(bucket.rate)}; ${SETTING.authFailures})`,
            wait,
          );
    });
  }

  /** One request of `cls` by `principal` from `caller`: throws the 429 when a bucket is empty. */
  admit(cls: LimitClass, principal: Principal, caller: Caller): void {
    const { token, address } = this.#classes[cls];
    if (token === null && address === null) return;
    this.#once(caller, () => {
      const byToken = token === null ? 0 : token.take(principal.tokenId);
      if (byToken > 0)
        return tooMany(
          `too many ${WHAT[cls]} for this token: retry after ${byToken} s (at most ${formatRate(token!.rate)}; ${SETTING[cls]}_TOKEN)`,
          byToken,
        );
      const byAddress = address === null ? 0 : address.take(caller.address);
      if (byAddress > 0)
        return tooMany(
          `too many ${WHAT[cls]} from ${caller.address}: retry after ${byAddress} s (at most ${formatRate(address!.rate)}; ${SETTING[cls]}_ADDRESS)`,
          byAddress,
        );
      return null;
    });
  }

  /** Decides once per request (the lane's refusal or admission is what Hono then hears), and throws a refusal. */
  #once(caller: Caller, decide: () => Problem | null): void {
    const request = caller.request;
    let refusal: Problem | null | undefined;
    if (request === undefined) refusal = decide();
    else {
      refusal = this.#decided.get(request);
      if (refusal === undefined) {
        refusal = decide();
        this.#decided.set(request, refusal);
      }
    }
    if (refusal) throw refusal;
  }
}

function tooMany(detail: string, retryAfterSeconds: number): Problem {
  return new Problem(
    429,
    "rate-limited",
    detail,
    { retryAfter: retryAfterSeconds },
    {
      "retry-after": String(retryAfterSeconds),
    },
  );
}
