/** Exponential backoff with jitter: attempt 0 waits about `min`, doubling up to `max`, each ±25%. */
export function backoffDelay(attempt: number, min: number, max: number): number {
  return Math.min(max, min * 2 ** Math.min(attempt, 20)) * (0.75 + Math.random() / 2);
}
