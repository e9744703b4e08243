import type { AppDeps } from "../kernel/deps.js";
import { STREAM_KINDS, type StreamStats, streamStats } from "../streaming/index.js";

const delta = (now: StreamStats, before: StreamStats) =>
  `${now.open} open (+${now.opened - before.opened} −${now.closed - before.closed})`;

/**
 * Every `everyMs`, one line with the streams open and how many connected and closed since the
 * last line, when anything moved: a fleet of SDKs reconnecting shows up without a line per
 * connection. Returns the stop function; the timer never keeps the process alive.
 */
export function logStreams(deps: AppDeps, everyMs: number): () => void {
  let last = streamStats(deps);
  const timer = setInterval(() => {
    const now = streamStats(deps);
    const moved = STREAM_KINDS.some(
      (kind) => now[kind].opened !== last[kind].opened || now[kind].closed !== last[kind].closed,
    );
    if (moved)
      deps.logger.info(
        { streams: now },
        `streams: ${STREAM_KINDS.map((kind) => `${kind} ${delta(now[kind], last[kind])}`).join(", ")}`,
      );
    last = now;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
