import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** `read` may call the admin API's reads (GET, HEAD) and nothing else. */
export type Scope = "admin" | "read" | "server" | "client";

/** Secrets carry their scope in the prefix, so a leaked one is recognisable in logs and scanners. */
export function newSecret(scope: Scope): string {
  return `rg_${scope}_${randomBytes(24).toString("base64url")}`;
}

/** Tokens are 192 random bits, so a fast hash is enough: there is nothing to brute-force. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function sameSecret(a: string, b: string): boolean {
  const ha = Buffer.from(hashSecret(a), "hex");
  const hb = Buffer.from(hashSecret(b), "hex");
  return timingSafeEqual(ha, hb);
}
