/**
 * Exponential backoff with jitter: attempt 1 waits about `baseMs`, each further attempt doubles it
 * up to `maxMs`, and the wait is drawn from the upper half of that (`[d/2, d)`), so thousands of
 * SDKs that lost the same server do not all come back in the same millisecond.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
