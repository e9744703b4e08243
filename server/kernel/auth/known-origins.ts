import { isNull } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/database.js";
import { tokens } from "../db/schema.js";

const TTL_MS = 5_000;

/**
 * Every origin some live token allows, for CORS preflights: a preflight carries no token, so it
 * can only be checked against the union; the real request is then checked against its token.
 * Read from the store at most every few seconds (like the token cache), so a new token's
 * origins work within that time on every instance.
 */
export class KnownOrigins {
  #origins = new Set<string>();
  #until = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async has(origin: string): Promise<boolean> {
    const now = this.clock.now();
    if (now >= this.#until) {
      const rows = await this.db
        .select({ allowed: tokens.allowedOrigins })
        .from(tokens)
        .where(isNull(tokens.revokedAt));
      this.#origins = new Set(rows.flatMap((r) => r.allowed));
      this.#until = now + TTL_MS;
    }
    return this.#origins.has(origin) || this.#origins.has("*");
  }
}
