import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/database.js";
import { tokens } from "../db/schema.js";
import { hashSecret } from "./token-secret.js";
import type { Principal } from "./token-store.js";

/**
 * The name of a token's change-notification stream (OFREP `eventStreams`): `<token id>.<mac>`,
 * the mac an HMAC keyed by the token's stored hash. It goes into a URL, because EventSource cannot
 * send headers, so it is not a credential: it evaluates nothing and reads no flag, it only hears
 * that the token's environment changed. It stays the same across restarts and dies with its token.
 */
function mac(tokenHash: string, tokenId: string): string {
  return createHmac("sha256", tokenHash).update(`ofrep-events:${tokenId}`).digest("base64url");
}

/** The channel of the token whose secret the request carried; none for tokens without a row. */
export function eventChannelOf(principal: Principal, secret: string): string | null {
  if (principal.scope === "admin" || principal.environment === null) return null;
  return `${principal.tokenId}.${mac(hashSecret(secret), principal.tokenId)}`;
}

/** The live client or server token a channel names, or null (unknown, forged or revoked). */
export async function principalOfChannel(db: Db, channel: string): Promise<Principal | null> {
  const dot = channel.indexOf(".");
  if (dot <= 0 || channel.length > 200) return null;
  const id = channel.slice(0, dot);
  const given = Buffer.from(channel.slice(dot + 1));
  const [row] = await db.select().from(tokens).where(eq(tokens.id, id));
  if (!row || row.revokedAt !== null || row.scope === "admin" || row.environment === null) return null;
  const expected = Buffer.from(mac(row.hash, row.id));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return {
    tokenId: row.id,
    name: row.name,
    scope: row.scope,
    environment: row.environment,
    allowedOrigins: row.allowedOrigins,
  };
}
