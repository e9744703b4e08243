import type { CommittedAudit } from "../kernel/change/change-bus.js";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// Bookkeeping fields every write moves; a line about a change names what the person changed.
const NOISE = new Set(["version", "updatedAt", "createdAt"]);

const show = (v: unknown): string => (typeof v === "string" ? v : (JSON.stringify(v) ?? "null"));

/** `percentage 10 → 50, enabled true → false`: the top-level fields an audit event changed. */
export function describeDiff(before: unknown, after: unknown): string {
  if (!isRecord(before) || !isRecord(after)) return "";
  const parts: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (NOISE.has(key)) continue;
    const a = show(before[key]);
    const b = show(after[key]);
    if (a !== b)
      parts.push(
        `${key} ${a.length > 60 ? `${a.slice(0, 57)}…` : a} → ${b.length > 60 ? `${b.slice(0, 57)}…` : b}`,
      );
  }
  return parts.join(", ");
}

export interface ChangeLine {
  level: "info" | "warn";
  message: string;
  fields: Record<string, unknown>;
}

/**
 * The log line of one committed audit event: who, which flag where, and what moved. A rollback
 * is a warning that names the rule and its evidence (counts per arm, ratio, e-value), so the log
 * alone says why the guard acted.
 */
export function changeLine(event: CommittedAudit): ChangeLine {
  const where = [event.flagKey, event.environment].filter((x) => x !== null).join(" in ");
  const diff = describeDiff(event.before, event.after);
  const fields: Record<string, unknown> = {
    action: event.action,
    actor: event.actor,
    flag: event.flagKey ?? undefined,
    environment: event.environment ?? undefined,
  };
  const detail = isRecord(event.detail) ? event.detail : {};
  if (event.action === "guard.rolled_back") {
    const rule = isRecord(detail.rule) ? detail.rule : {};
    Object.assign(fields, {
      rule: rule.metric ?? rule,
      reason: detail.reason,
      counts: detail.counts,
      ratio: detail.ratio,
      eValue: detail.eValue,
    });
    return {
      level: "warn",
      message: `guard rolled back ${where}${diff ? ` (${diff})` : ""}: ${show(detail.reason ?? "harm proven")}`,
      fields,
    };
  }
  if (typeof detail.reason === "string") fields.reason = detail.reason;
  const warn =
    event.action === "guard.notify" ||
    event.action === "guard.paused" ||
    event.action === "guard.held" ||
    event.action === "guard.warning";
  return {
    level: warn ? "warn" : "info",
    message: `${event.action}${where ? ` ${where}` : ""} by ${event.actor}${diff ? `: ${diff}` : ""}`,
    fields,
  };
}
