import type { EvaluationContext } from "./types.js";

/** The context as JSON with its top-level keys sorted, so equal contexts give equal strings. */
export function stableJson(context: EvaluationContext): string {
  const sorted: EvaluationContext = {};
  for (const key of Object.keys(context).sort()) sorted[key] = context[key];
  return JSON.stringify(sorted);
}

/** base64url of the UTF-8 bytes, as the stream's `context` query parameter expects. */
export function base64url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A short hash for storage keys (two FNV-1a lanes); it only has to tell contexts apart. */
export function shortHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x2c1b3c6d;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}
