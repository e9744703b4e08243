import { changedKey, changePayload, type PublishedChange } from "../kernel/change/change-bus.js";
import type { LoggedChange } from "../kernel/change/change-log.js";
import { sseEvent } from "./sse-event.js";

/**
 * The SDK stream's framing of a change, live or replayed from the change log (one mapping, so a
 * resumed stream gets exactly what a connected one got). Flags: `patch` with the flag's config,
 * `delete` with `{ key }`. Segments: `patch` with `{ segment }`, `delete` with `{ segment: key }`
 * (one event per segment change: the flags that use it are evaluated against it by the SDK).
 */
export function changeEvent(
  revision: number,
  kind: LoggedChange["kind"],
  key: string,
  payload: string,
): Buffer {
  switch (kind) {
    case "patch":
      return sseEvent("patch", revision, payload);
    case "delete":
      return sseEvent("delete", revision, JSON.stringify({ key }));
    case "segment":
      return sseEvent("patch", revision, `{"segment":${payload}}`);
    case "segment_delete":
      return sseEvent("delete", revision, JSON.stringify({ segment: key }));
  }
}

export function publishedEvent(change: PublishedChange): Buffer {
  return changeEvent(change.revision, change.kind, changedKey(change), changePayload(change));
}
