import type { AppDeps } from "../kernel/deps.js";
import { clientStreamHubOf, type StreamStats, streamHubOf } from "../streaming/index.js";

const delta = (now: StreamStats, before: StreamStats) =>
  `${now.open} open (+${now.opened - before.opened} −${now.closed - before.closed})`;

/**
 * Every `everyMs`, one line with the streams open and how many connected and closed since the
 * last line, when anything moved: a fleet of SDKs reconnecting shows up without a line per
 * connection. Returns the stop function; the timer never keeps the process alive.
 */
export function logStreams(deps: AppDeps, everyMs: number): () => void {
  let last = { sdk: streamHubOf(deps).stats(), browser: clientStreamHubOf(deps).stats() };
  const timer = setInterval(() => {
    const now = { sdk: streamHubOf(deps).stats(), browser: clientStreamHubOf(deps).stats() };
    const moved =
      now.sdk.opened !== last.sdk.opened ||
      now.sdk.closed !== last.sdk.closed ||
      now.browser.opened !== last.browser.opened ||
      now.browser.closed !== last.browser.closed;
    if (moved)
      deps.logger.info(
        { streams: { sdk: now.sdk, browser: now.browser } },
        `streams: sdk ${delta(now.sdk, last.sdk)}, browser ${delta(now.browser, last.browser)}`,
      );
    last = now;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
