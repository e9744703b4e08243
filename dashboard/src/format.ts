/** A percentage as the API keeps it: up to three decimals, no trailing zeros. */
export function pct(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  return `${Number(n.toFixed(3))}%`;
}

export function ms(duration: number | null | undefined): string {
  if (duration === null || duration === undefined) return "–";
  if (duration === 0) return "0";
  const s = Math.round(duration / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

export function num(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  if (!Number.isFinite(n)) return n > 0 ? "∞" : "-∞";
  return Math.abs(n) >= 1000 ? n.toExponential(2) : String(Number(n.toPrecision(digits)));
}

export const words = (s: string) => s.replace(/_/g, " ");

/**
 * A time to the minute, for tables (the API keeps last use to the minute anyway); the year only
 * when it is not this one.
 */
export function whenShort(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    ...(d.getFullYear() === new Date().getFullYear() ? {} : { year: "numeric" }),
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}
