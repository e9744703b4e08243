/**
 * Instants for the date operators, as epoch milliseconds.
 *
 * Accepted: finite numbers (epoch ms), Date objects, and ISO-8601 strings: a calendar date
 * (`2025-03-01`) or date-time (`2025-03-01T12:00`, `…:30`, `…:30.250`, then `Z` or `±hh:mm`). We
 * parse ourselves instead of using `Date.parse`, which accepts many non-ISO formats differently on
 * each engine and reads a date-time without offset as *local* time: here a date or date-time
 * without offset is UTC, so the server, Node and every browser agree.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function parseIsoDate(text: string): number {
  const m = ISO.exec(text);
  if (!m) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return Number.NaN;
  if (month === 2 && day === 29 && !isLeap(year)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let offset = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return Number.NaN;
    offset = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime() - offset;
}

/** Epoch ms of a context or condition value; NaN when it is not an instant. */
export function toInstant(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === "string") return parseIsoDate(value);
  if (value instanceof Date) return value.getTime();
  return Number.NaN;
}
