/** Event names: dot-separated lower-case words, e.g. `guard.rolled_back`, `plan.advanced`. */
export const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
/** What a webhook subscribes to: an event name, `prefix.*`, or `*`. */
export const EVENT_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;

/** Whether a webhook subscribed to `patterns` (empty: everything) receives `event`. */
export function eventMatches(patterns: readonly string[], event: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some(
    (p) => p === "*" || p === event || (p.endsWith(".*") && event.startsWith(p.slice(0, -1))),
  );
}
