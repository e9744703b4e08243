/**
 * The two ways a command answers: `--json` writes the API's JSON as one document on stdout (for
 * scripts and jq), otherwise text for people. Commands build both; this module picks one.
 */
export class Output {
  constructor(readonly json: boolean) {}

  result(data: unknown, human: () => string): void {
    if (this.json) printJson(data);
    else writeLine(human());
  }
}

export function printJson(data: unknown): void {
  process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

/** One JSON document per line, for streams (`--watch`, `--follow`) that never end on their own. */
export function printJsonLine(data: unknown): void {
  process.stdout.write(`${JSON.stringify(data)}\n`);
}

export function writeLine(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Percentages as the API keeps them: up to three decimals, no trailing zeros. */
export function pct(n: number | null | undefined): string {
  if (n === null || n === undefined) return "-";
  return `${Number(n.toFixed(3))}%`;
}

export const onOff = (enabled: boolean) => (enabled ? "on" : "off");

const width = (s: string) => [...s].length;

/** Columns padded to their widest cell; the last column is not padded, so lines end cleanly. */
export function table(headers: string[], rows: string[][], empty = "(none)"): string {
  if (rows.length === 0) return empty;
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ""))));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat(widths[i]! - width(cell))))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** "2024-05-01T10:00:00.000Z" as "2024-05-01 10:00:00Z": still UTC and sortable, easier to read. */
export function time(iso: string | null | undefined): string {
  if (!iso) return "-";
  return iso.replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
