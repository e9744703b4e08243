import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a ticket opens the browser stream: long enough to connect, short enough not to matter in a log. */
export const TICKET_TTL_MS = 60_000;

const PURPOSE = "client-stream";

/**
 * A ticket for `GET /api/client/stream?ticket=`, so the long-lived client token never travels in
 * a URL (where proxies and browsers log it). Stateless: `<tokenId>.<expiry>.<mac>`, the MAC an
 * HMAC-SHA256 over its purpose, token id and expiry, keyed with the token's stored hash. Every
 * instance on the same store can check it, nothing is kept per ticket, and revoking or rotating
 * the token ends its tickets. It opens the stream and nothing else (the purpose is in the MAC).
 */
export function signTicket(tokenId: string, keyHash: string, expiresAt: number): string {
  const exp = expiresAt.toString(36);
  return `${tokenId}.${exp}.${mac(keyHash, tokenId, exp)}`;
}

/** A ticket's parts, before the token's key is looked up; undefined when it is not shaped like one. */
export function readTicket(
  ticket: string,
): { tokenId: string; expiresAt: number; exp: string; mac: string } | undefined {
  if (ticket.length > 200) return undefined;
  const m = /^([A-Za-z0-9-]{1,64})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!m) return undefined;
  return { tokenId: m[1]!, exp: m[2]!, expiresAt: Number.parseInt(m[2]!, 36), mac: m[3]! };
}

/** Whether `parts` were signed with `keyHash` and are still within their time. */
export function ticketHolds(
  parts: NonNullable<ReturnType<typeof readTicket>>,
  keyHash: string,
  now: number,
): boolean {
  if (!(parts.expiresAt > now && parts.expiresAt <= now + TICKET_TTL_MS)) return false;
  const expected = Buffer.from(mac(keyHash, parts.tokenId, parts.exp));
  const given = Buffer.from(parts.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function mac(keyHash: string, tokenId: string, exp: string): string {
  return createHmac("sha256", keyHash).update(`${PURPOSE}\n${tokenId}\n${exp}`).digest("base64url");
}
