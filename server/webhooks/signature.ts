import { createHmac, randomBytes } from "node:crypto";

/** The header that carries the signatures: `t=<unix seconds>,v1=<hex>[,v1=<hex>]`. */
export const SIGNATURE_HEADER = "rollguard-signature";

/**
 * How old a signed timestamp a receiver should accept (documented; Rollguard cannot enforce it).
 * Every attempt is signed afresh, so a retry minutes later is still inside the window.
 */
export const REPLAY_WINDOW_SECONDS = 300;

/** 256 random bits; the prefix makes a leaked one recognisable, like the API tokens. */
export function newWebhookSecret(): string {
  return `rg_whsec_${randomBytes(32).toString("hex")}`;
}

/** HMAC-SHA256, keyed by the secret as written, over `<timestamp>.<body>`, in hex. */
export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * The header value for one attempt: one `v1` per secret in use (two during a rotation's grace
 * period, the new one first), so a receiver that knows either secret accepts the delivery.
 */
export function signatureHeader(secrets: readonly string[], nowMs: number, body: string): string {
  const t = Math.floor(nowMs / 1000);
  return [`t=${t}`, ...secrets.map((s) => `v1=${sign(s, t, body)}`)].join(",");
}
