import { randomUUID } from "node:crypto";
import { desc, eq, or } from "drizzle-orm";
import { type ChangeDeps, commitChange } from "../change/change-path.js";
import type { Db } from "../db/database.js";
import { findEnvironment } from "../db/environment-rows.js";
import { tokens } from "../db/schema.js";
import * as errors from "../errors.js";
import { readTicket, signTicket, TICKET_TTL_MS, ticketHolds } from "./stream-ticket.js";
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

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A token as the API shows it (never its secret); `lastUsedAt` may be newer than the row's. */
export function toTokenOut(row: TokenRow, lastUsedAt: number | null = row.lastUsedAt) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    environment: row.environment,
    allowedOrigins: row.allowedOrigins,
    createdAt: new Date(row.createdAt).toISOString(),
    createdBy: row.createdBy,
    revoked: row.revokedAt !== null,
    revokedAt: iso(row.revokedAt),
    expiresAt: iso(row.expiresAt),
    rotatedAt: iso(row.rotatedAt),
    /** Until then the secret before the last rotation works too. */
    previousSecretValidUntil: iso(row.previousValidUntil),
    lastUsedAt: iso(lastUsedAt),
  };
}

const CACHE_TTL_MS = 5_000;
/** The longest grace a rotation may give the old secret: 30 days. */
export const MAX_GRACE_SECONDS = 30 * 24 * 3600;

/** The audit actions after which a token's cached lookups must go, on every instance. */
const TOKEN_CHANGES = new Set(["token.revoked", "token.rotated"]);

/**
 * Resolves bearer secrets to principals. Lookups are cached briefly because every SDK request is
 * authenticated. A revocation or rotation, through this instance or another on the same
 * PostgreSQL, drops the token's cached lookups as soon as its audit event reaches this instance
 * (the bus's `onAuditAnywhere`, within a notification's round trip); the TTL is only the fallback
 * for a lost notification connection. An expiry or the end of a rotation's grace is never cached
 * past. Listeners of `onRevoked` (the stream registries) end the token's open streams.
 *
 * Last use is kept in memory (one map write per request) and written by `flushLastUsed`, which
 * the flags feature calls once a minute: at most one write per token per minute, never one per
 * request. It is bookkeeping, not a change: no revision, no audit event.
 */
export class TokenStore {
  readonly #cache = new Map<string, { principal: Principal | null; until: number }>();
  readonly #adminHash: string | undefined;
  readonly #used = new Map<string, number>();
  readonly #revokedListeners = new Set<(tokenId: string) => void>();
  /** Bumped whenever lookups are dropped: a lookup read before the drop is not cached after it. */
  #epoch = 0;

  constructor(
    private readonly deps: ChangeDeps,
    adminSecret: string | undefined,
  ) {
    this.#adminHash = adminSecret ? hashSecret(adminSecret) : undefined;
    deps.bus.onAuditAnywhere((event) => {
      if (!TOKEN_CHANGES.has(event.action)) return;
      const id = (event.after as { id?: unknown } | null)?.id;
      if (typeof id !== "string") return;
      this.#forget(id);
      if (event.action === "token.revoked")
        for (const listener of this.#revokedListeners) {
          try {
            listener(id);
          } catch {
            // As on the bus: one broken listener must not keep the others from hearing.
          }
        }
    });
  }

  /** Hears of each token revoked, here or on another instance (as its audit event arrives). */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.#revokedListeners.add(listener);
    return () => this.#revokedListeners.delete(listener);
  }

  /** Drops the cached lookups of one token (every secret that resolved to it). */
  #forget(tokenId: string): void {
    this.#epoch++;
    for (const [secret, hit] of this.#cache)
      if (hit.principal?.tokenId === tokenId) this.#cache.delete(secret);
  }

  /**
   * The principal of `secret` when this process knows it without reading the store (null: known
   * to be no live token); undefined when `resolve` must read it. The evaluate lane serves only
   * what this answers, and hands the rest to the routes, which await `resolve`.
   */
  cached(secret: string): Principal | null | undefined {
    // Keyed by the secret itself: hashing it first would cost a SHA-256 on every request.
    const hit = this.#cache.get(secret);
    const now = this.deps.clock.now();
    if (hit && hit.until > now) {
      if (hit.principal) this.#used.set(hit.principal.tokenId, now);
      return hit.principal;
    }
    return undefined;
  }

  async resolve(secret: string): Promise<Principal | null> {
    const hit = this.cached(secret);
    if (hit !== undefined) return hit;
    const now = this.deps.clock.now();
    const epoch = this.#epoch;
    const hash = hashSecret(secret);
    if (this.#adminHash !== undefined && hash === this.#adminHash) {
      const admin = this.#envAdmin();
      this.#cache.set(secret, { principal: admin, until: Number.POSITIVE_INFINITY });
      return admin;
    }
    const [row] = await this.deps.db
      .select()
      .from(tokens)
      .where(or(eq(tokens.hash, hash), eq(tokens.previousHash, hash)));
    let until = now + CACHE_TTL_MS;
    let valid = row !== undefined && row.revokedAt === null;
    if (row?.expiresAt != null) {
      valid &&= row.expiresAt > now;
      until = Math.min(until, row.expiresAt);
    }
    if (row && row.hash !== hash) {
      // The secret before the last rotation: only until its grace ends.
      const graceEnd = row.previousValidUntil ?? 0;
      valid &&= graceEnd > now;
      until = Math.min(until, graceEnd);
    }
    const principal: Principal | null =
      row && valid
        ? {
            tokenId: row.id,
            name: row.name,
            scope: row.scope,
            environment: row.environment,
            allowedOrigins: row.allowedOrigins,
          }
        : null;
    if (principal) this.#used.set(principal.tokenId, now);
    if (this.#cache.size > 10_000) this.#cache.clear();
    // A revocation heard while the row was read may be newer than the row: read again next time.
    if (epoch === this.#epoch) this.#cache.set(secret, { principal, until: Math.max(until, now) });
    return principal;
  }

  /** A short-lived ticket for the browser stream, for the token `principal` came from. */
  async issueTicket(principal: Principal): Promise<{ ticket: string; expiresAt: string }> {
    const key = await this.#ticketKey(principal.tokenId);
    // The principal was resolved moments ago; a token revoked in between gets no ticket.
    if (key === undefined) throw errors.notFound("the token is no longer valid");
    const expiresAt = this.deps.clock.now() + TICKET_TTL_MS;
    return {
      ticket: signTicket(principal.tokenId, key, expiresAt),
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /** The principal of a ticket that holds (signed by a live token, not past its time), else null. */
  async resolveTicket(ticket: string): Promise<Principal | null> {
    const parts = readTicket(ticket);
    if (!parts) return null;
    const now = this.deps.clock.now();
    if (parts.tokenId === "env-admin")
      return this.#adminHash !== undefined && ticketHolds(parts, this.#adminHash, now)
        ? this.#envAdmin()
        : null;
    const row = await this.#liveRow(parts.tokenId);
    if (!row || !ticketHolds(parts, row.hash, now)) return null;
    this.#used.set(row.id, now);
    return {
      tokenId: row.id,
      name: row.name,
      scope: row.scope,
      environment: row.environment,
      allowedOrigins: row.allowedOrigins,
    };
  }

  /** The key a token's tickets are signed with: its stored hash, while it is live. */
  async #ticketKey(tokenId: string): Promise<string | undefined> {
    return tokenId === "env-admin" ? this.#adminHash : (await this.#liveRow(tokenId))?.hash;
  }

  async #liveRow(tokenId: string): Promise<TokenRow | undefined> {
    const [row] = await this.deps.db.select().from(tokens).where(eq(tokens.id, tokenId));
    const now = this.deps.clock.now();
    if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now)) return undefined;
    return row;
  }

  #envAdmin(): Principal {
    return {
      tokenId: "env-admin",
      name: "ROLLGUARD_ADMIN_TOKEN",
      scope: "admin",
      environment: null,
      allowedOrigins: [],
    };
  }

  /** Writes the last-use times gathered since the last flush, in one transaction; how many. */
  async flushLastUsed(): Promise<number> {
    const used = [...this.#used];
    this.#used.clear();
    if (used.length === 0) return 0;
    await this.deps.database.transaction(async (tx) => {
      for (const [id, at] of used) await tx.update(tokens).set({ lastUsedAt: at }).where(eq(tokens.id, id));
    });
    return used.length;
  }

  async create(
    input: {
      scope: Scope;
      environment?: string | undefined;
      name?: string | undefined;
      allowedOrigins?: string[] | undefined;
      /** ISO 8601; after it the token stops working. */
      expiresAt?: string | undefined;
    },
    actor: string,
  ) {
    if (input.scope === "read" && input.environment)
      throw errors.invalid("a read token reads every environment: leave out `environment`");
    if (input.scope !== "admin" && input.scope !== "read" && !input.environment)
      throw errors.invalid(`a ${input.scope} token belongs to one environment: give \`environment\``);
    const secret = newSecret(input.scope);
    const expiresAt = input.expiresAt === undefined ? null : Date.parse(input.expiresAt);
    const out = await commitChange(this.deps, async (tx, now) => {
      if (expiresAt !== null && !(expiresAt > now))
        throw errors.invalid(`expiresAt must be in the future; got ${input.expiresAt}`);
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
          expiresAt,
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

  /** Every token, with last-use times not yet flushed. */
  async list(db: Db = this.deps.db) {
    return (await db.select().from(tokens).orderBy(desc(tokens.createdAt))).map((row) =>
      toTokenOut(row, this.#used.get(row.id) ?? row.lastUsedAt),
    );
  }

  /**
   * A new secret for the token; the current one keeps working for `graceSeconds` (0: it stops at
   * once), so its holders can move over without a gap. A second rotation ends the first's grace.
   */
  async rotate(id: string, graceSeconds: number, actor: string) {
    if (!(Number.isInteger(graceSeconds) && graceSeconds >= 0 && graceSeconds <= MAX_GRACE_SECONDS))
      throw errors.invalid(`graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS} (30 days)`);
    let secret = "";
    const out = await commitChange(this.deps, async (tx, now) => {
      const [row] = await tx.select().from(tokens).where(eq(tokens.id, id));
      if (!row) throw errors.notFound(`token \`${id}\` does not exist`);
      if (row.revokedAt !== null)
        throw errors.conflict(`token \`${id}\` is revoked: create a new one instead`);
      if (row.expiresAt !== null && row.expiresAt <= now)
        throw errors.conflict(`token \`${id}\` has expired: create a new one instead`);
      secret = newSecret(row.scope);
      const [after] = await tx
        .update(tokens)
        .set({
          hash: hashSecret(secret),
          previousHash: graceSeconds > 0 ? row.hash : null,
          previousValidUntil: graceSeconds > 0 ? now + graceSeconds * 1000 : null,
          rotatedAt: now,
        })
        .where(eq(tokens.id, id))
        .returning();
      return auditedUpdate(row, after, actor, "token.rotated");
    });
    // The cache dropped the token when its audit event reached the bus, before commitChange returned.
    return { ...out, token: secret };
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
      return auditedUpdate(row, after, actor, "token.revoked");
    });
    // As for rotate: the audit event dropped it here, and drops it on every other instance.
    return out;
  }
}

/** A token change as the change path takes it: the new row, and its audit event before → after. */
function auditedUpdate(
  row: typeof tokens.$inferSelect,
  after: typeof tokens.$inferSelect | undefined,
  actor: string,
  action: "token.rotated" | "token.revoked",
) {
  if (!after) throw new Error("the token update returned no row");
  return {
    result: toTokenOut(after),
    audit: [
      { actor, action, environment: row.environment, before: toTokenOut(row), after: toTokenOut(after) },
    ],
    touched: [],
  };
}
