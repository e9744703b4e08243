import { useEffect, useState } from "preact/hooks";
import { useLiveStatus } from "../live";

const LABEL = { stream: "Live", polling: "Polling", connecting: "Connecting" } as const;
const EXPLAIN = {
  stream: "changes arrive on the event stream",
  polling: "the event stream is down: reading every 2 s and reconnecting",
  connecting: "opening the event stream",
} as const;

/**
 * "Live" while the admin event stream is open, "Polling" while the page falls back to reading every
 * 2 s, "Reconnecting" while reads fail; how it follows and the last good read's age on hover.
 */
export function LiveIndicator() {
  const s = useLiveStatus();
  const [, setNow] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  const age = s.lastOkAt ? Math.round((Date.now() - s.lastOkAt) / 1000) : null;
  const tone = s.failing ? "live-bad" : s.mode === "stream" ? "live-ok" : "live-poll";
  return (
    <span
      class={`live ${tone}`}
      role="status"
      data-mode={s.mode}
      title={`${EXPLAIN[s.mode]}; ${age === null ? "no data yet" : `last update ${age}s ago`}`}
    >
      <span class="live-dot" aria-hidden="true" />
      {s.failing ? "Reconnecting" : LABEL[s.mode]}
    </span>
  );
}
