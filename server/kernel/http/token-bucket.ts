/** How many requests a bucket holds, and the seconds it takes to refill from empty. */
export interface Rate {
  requests: number;
  perSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Most keys a limiter keeps; past it, full buckets (idle keys) are dropped first. */
const MAX_KEYS = 50_000;

/**
 * A token bucket per key, in memory: a key may spend `requests` at once, and earns them back
 * evenly over `perSeconds`. Synchronous and allocation-free on the common path, so the evaluate
 * lane can ask it on every request. Each instance counts for itself (a fleet of instances allows
 * the sum of their limits), which is what a limit against a flood needs.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    readonly rate: Rate,
    private readonly now: () => number,
  ) {
    this.#perMs = rate.requests / (rate.perSeconds * 1000);
  }

  /** Takes one token of `key`'s bucket: 0 when it had one, else the whole seconds until it will. */
  take(key: string): number {
    const now = this.now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_KEYS) this.#sweep(now);
      bucket = { tokens: this.rate.requests, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.rate.requests, bucket.tokens + (now - bucket.at) * this.#perMs);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  /** Drops the buckets that have refilled (nobody is being held back by them); all, if none has. */
  #sweep(now: number) {
    for (const [key, b] of this.#buckets)
      if (b.tokens + (now - b.at) * this.#perMs >= this.rate.requests) this.#buckets.delete(key);
    if (this.#buckets.size >= MAX_KEYS) this.#buckets.clear();
  }
}

/** `600/10s`, `30/1m`, `5/s`: requests per window (s, m or h); `off` or `0` for no limit. */
export function parseRate(text: string): Rate | null {
  const t = text.trim().toLowerCase();
  if (t === "off" || t === "0") return null;
  const m = /^(\d+)\s*\/\s*(\d*)\s*(s|m|h)$/.exec(t);
  const requests = Number(m?.[1]);
  const count = m?.[2] === "" ? 1 : Number(m?.[2]);
  if (!m || !(requests > 0) || !(count > 0))
    throw new Error(`expected requests per window like 600/10s, 30/1m or 5/s (or off); got ${text}`);
  return { requests, perSeconds: count * { s: 1, m: 60, h: 3600 }[m[3] as "s" | "m" | "h"] };
}

/** The rate as `parseRate` reads it, for details and docs. */
export function formatRate(rate: Rate): string {
  return `${rate.requests} per ${rate.perSeconds} s`;
}
