import type { AuditEvent } from "./api-types.js";
import { onOff, pct } from "./output.js";

type State = { enabled?: boolean; percentage?: number; stickiness?: string; rules?: unknown[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/**
 * One line on what an audit event changed ("percentage 10% → 50%, reason: …"). Full before and
 * after stay in `--json`; a person scanning the log wants the difference.
 */
export function summarize(e: AuditEvent): string {
  const parts: string[] = [];
  if (isObject(e.before) && isObject(e.after)) {
    const b = e.before as State;
    const a = e.after as State;
    if (b.enabled !== a.enabled && a.enabled !== undefined)
      parts.push(`${onOff(b.enabled ?? false)} → ${onOff(a.enabled)}`);
    if (b.percentage !== a.percentage && a.percentage !== undefined)
      parts.push(`${pct(b.percentage)} → ${pct(a.percentage)}`);
    if (b.stickiness !== a.stickiness && a.stickiness !== undefined) parts.push(`stickiness ${a.stickiness}`);
    if (JSON.stringify(b.rules) !== JSON.stringify(a.rules) && Array.isArray(a.rules))
      parts.push(`${a.rules.length} rule(s)`);
  }
  const detail = isObject(e.detail) ? e.detail : {};
  if (typeof detail.reason === "string") parts.push(`reason: ${detail.reason}`);
  return parts.join(", ");
}
