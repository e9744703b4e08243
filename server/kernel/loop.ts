/**
 * Background work every `everyMs`: the first run right after start (a restarted server picks up
 * where it stopped), never two runs at once (a slow run delays the next instead of overlapping
 * it), and nothing thrown escapes the timer. The stop function waits for a run in progress, so the
 * store is never closed under it. With `unref` the timer does not keep the process alive.
 */
export function startLoop(
  everyMs: number,
  run: () => Promise<void>,
  opts: { unref?: boolean } = {},
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = run()
      .catch(() => {})
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, everyMs);
  if (opts.unref) timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
