import { z } from "@hono/zod-openapi";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The longest hold a plan or a schedule accepts: 30 days. */
export const MAX_DURATION_MS = 30 * UNIT_MS.d!;

const SHORT = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Reads "500ms", "90s", "30m", "2h", "1d", combinations like "1h30m", and ISO 8601 durations
 * like "PT30M" or "P1DT2H" as milliseconds; undefined when the text is none of these.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (SHORT.test(t.toLowerCase())) {
    let ms = 0;
    for (const [, n, unit] of t.toLowerCase().matchAll(SHORT_PART)) ms += Number(n) * UNIT_MS[unit!]!;
    return Math.round(ms);
  }
  const iso = ISO.exec(t.toUpperCase());
  if (iso && t.length > 1 && !t.toUpperCase().endsWith("T")) {
    const [, d, h, m, s] = iso.map((x) => (x === undefined ? 0 : Number(x)));
    return Math.round(d! * UNIT_MS.d! + h! * UNIT_MS.h! + m! * UNIT_MS.m! + s! * UNIT_MS.s!);
  }
  return undefined;
}

const MESSAGE =
  'must be milliseconds (a whole number ≥ 0) or a duration like "90s", "30m", "2h", "1h30m", "1d" or "PT30M"';

/** A duration in a request body: milliseconds, or text for people. Parsed to milliseconds. */
export const Duration = z
  .union([z.number({ error: MESSAGE }), z.string({ error: MESSAGE })], { error: MESSAGE })
  .transform((value, ctx) => {
    const ms =
      typeof value === "number"
        ? Number.isInteger(value) && value >= 0
          ? value
          : undefined
        : parseDuration(value);
    if (ms === undefined) {
      ctx.issues.push({ code: "custom", message: MESSAGE, input: value });
      return z.NEVER;
    }
    if (ms > MAX_DURATION_MS) {
      ctx.issues.push({ code: "custom", message: "must be at most 30 days", input: value });
      return z.NEVER;
    }
    return ms;
  })
  .openapi({
    description:
      'Milliseconds, or a duration like "90s", "30m", "2h", "1h30m", "1d", "PT30M" (at most 30 days)',
    example: "30m",
  });
