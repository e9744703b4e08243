import type { FlagStore } from "../core/index.js";
import type { StreamChange } from "./flag-set-shape.js";

/**
 * Applies one streamed change to the store; returns the keys of the flags whose evaluation it
 * may change, for the `change` event: the flag itself, or the flags that use the segment, and
 * every flag that has one of those as a prerequisite.
 */
export function applyChange(store: FlagStore, change: StreamChange, revision: number): string[] {
  switch (change.kind) {
    case "flag":
      return store.upsert(change.flag, revision) ? store.affectedBy({ flags: [change.flag.key] }) : [];
    case "flag-delete": {
      const dependents = store.affectedBy({ flags: [change.key] });
      return store.remove(change.key, revision)
        ? [change.key, ...dependents.filter((k) => k !== change.key)]
        : [];
    }
    case "segment":
      return store.upsertSegment(change.segment, revision)
        ? store.affectedBy({ segments: [change.segment.key] })
        : [];
    case "segment-delete":
      return store.removeSegment(change.key, revision) ? store.affectedBy({ segments: [change.key] }) : [];
  }
}
