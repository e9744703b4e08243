/** A JSON value as short readable text (numbers, booleans and strings plain; the rest as JSON). */
export function show(v: unknown) {
  if (v === undefined) return <span class="muted">–</span>;
  if (v === null) return <span class="muted">null</span>;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    return <code>{String(v)}</code>;
  return <pre class="json">{JSON.stringify(v, null, 1)}</pre>;
}
