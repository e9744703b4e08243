import { useEffect, useState } from "preact/hooks";
import { useLiveStatus } from "../live";

/** "Live" while reads succeed, "Reconnecting" while they fail; the last good read's age on hover. */
export function LiveIndicator() {
  const s = useLiveStatus();
  const [, setNow] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  const age = s.lastOkAt ? Math.round((Date.now() - s.lastOkAt) / 1000) : null;
  return (
    <span
      class={`live ${s.failing ? "live-bad" : "live-ok"}`}
      role="status"
      title={age === null ? "no data yet" : `last update ${age}s ago`}
    >
      <span class="live-dot" aria-hidden="true" />
      {s.failing ? "Reconnecting" : "Live"}
    </span>
  );
}
