import { randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { type ChangeDeps, commitChange } from "../change/change-path.js";
import type { Db } from "../db/database.js";
import { findEnvironment } from "../db/environment-rows.js";
import { tokens } from "../db/schema.js";
import * as errors from "../errors.js";
import { hashSecret, newSecret, type Scope } from "./token-secret.js";

export interface Principal {
  tokenId: string;
  name: string;
  scope: Scope;
  /** null only for admin tokens that span every environment. */
  environment: string | null;
  allowedOrigins: string[];
}

type TokenRow = typeof tokens.$inferSelect;

export function toTokenOut(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    environment: row.environment,
    allowedOrigins: row.allowedOrigins,
    createdAt: new Date(row.createdAt).toISOString(),
    createdBy: row.createdBy,
    revoked: row.revokedAt !== null,
    revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt).toISOString(),
  };
}

const CACHE_TTL_MS = 5_000;

/**
 * Resolves bearer secrets to principals. Lookups are cached briefly because every SDK request is
 * authenticated; a revocation through this process clears the cache at once, and other instances
 * see it within the TTL.
 */
export class TokenStore {
  readonly #cache = new Map<string, { principal: Principal | null; until: number }>();
  readonly #adminHash: string | undefined;

  constructor(
    private readonly deps: ChangeDeps,
    adminSecret: string | undefined,
  ) {
    this.#adminHash = adminSecret ? hashSecret(adminSecret) : undefined;
  }

  /**
   * The principal of `secret` when this process knows it without reading the store (null: known
   * to be no live token); undefined when `resolve` must read it. The evaluate lane serves only
   * what this answers, and hands the rest to the routes, which await `resolve`.
   */
  cached(secret: string): Principal | null | undefined {
    // Keyed by the secret itself: hashing it first would cost a SHA-256 on every request.
    const hit = this.#cache.get(secret);
    if (hit && hit.until > this.deps.clock.now()) return hit.principal;
    return undefined;
  }

  async resolve(secret: string): Promise<Principal | null> {
    const hit = this.cached(secret);
    if (hit !== undefined) return hit;
    const now = this.deps.clock.now();
    const hash = hashSecret(secret);
    if (this.#adminHash !== undefined && hash === this.#adminHash) {
      const admin: Principal = {
        tokenId: "env-admin",
        name: "ROLLGUARD_ADMIN_TOKEN",
        scope: "admin",
        environment: null,
        allowedOrigins: [],
      };
      this.#cache.set(secret, { principal: admin, until: Number.POSITIVE_INFINITY });
      return admin;
    }
    const [row] = await this.deps.db.select().from(tokens).where(eq(tokens.hash, hash));
    const principal: Principal | null =
      row && row.revokedAt === null
        ? {
            tokenId: row.id,
            name: row.name,
            scope: row.scope,
            environment: row.environment,
            allowedOrigins: row.allowedOrigins,
          }
        : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(secret, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }

  async create(
    input: {
      scope: Scope;
      environment?: string | undefined;
      name?: string | undefined;
      allowedOrigins?: string[] | undefined;
    },
    actor: string,
  ) {
    if (input.scope !== "admin" && !input.environment)
      throw errors.invalid(`a ${input.scope} token belongs to one environment: give \`environment\``);
    const secret = newSecret(input.scope);
    const out = await commitChange(this.deps, async (tx, now) => {
      if (input.environment && !(await findEnvironment(tx, input.environment)))
        throw errors.notFound(`environment \`${input.environment}\` does not exist`);
      const [row] = await tx
        .insert(tokens)
        .values({
          id: randomUUID(),
          name: input.name ?? `${input.scope} token`,
          scope: input.scope,
          environment: input.environment ?? null,
          hash: hashSecret(secret),
          allowedOrigins: input.allowedOrigins ?? [],
          createdAt: now,
          createdBy: actor,
        })
        .returning();
      if (!row) throw new Error("the token insert returned no row");
      const out = toTokenOut(row);
      return {
        result: out,
        audit: [{ actor, action: "token.created", environment: row.environment, after: out }],
        touched: [],
      };
    });
    return { ...out, token: secret };
  }

  async list(db: Db = this.deps.db) {
    return (await db.select().from(tokens).orderBy(desc(tokens.createdAt))).map(toTokenOut);
  }

  async revoke(id: string, actor: string) {
    const out = await commitChange(this.deps, async (tx, now) => {
      const [row] = await tx.select().from(tokens).where(eq(tokens.id, id));
      if (!row) throw errors.notFound(`token \`${id}\` does not exist`);
      const [after] = await tx
        .update(tokens)
        .set({ revokedAt: row.revokedAt ?? now })
        .where(eq(tokens.id, id))
        .returning();
      if (!after) throw new Error("the token update returned no row");
      return {
        result: toTokenOut(after),
        audit: [
          {
            actor,
            action: "token.revoked",
            environment: row.environment,
            before: toTokenOut(row),
            after: toTokenOut(after),
          },
        ],
        touched: [],
      };
    });
    this.#cache.clear();
    return out;
  }
}
