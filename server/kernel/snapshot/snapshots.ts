import { FlagStore } from "../../../sdk/core/index.js";
import type { ChangeBus } from "../change/change-bus.js";
import { readFlagSet } from "../change/flag-config.js";
import type { Db } from "../db/database.js";
import { EnvironmentSnapshot } from "./environment-snapshot.js";
import { UsageMarks } from "./usage-marks.js";

/**
 * The current snapshot of each environment. The first reader of an environment reads its set
 * from the store and compiles it; after that, each committed change from the bus makes the next
 * snapshot from the previous one, compiling only the flag that changed. Evaluation, downloads
 * and streams all read from here, so no request reads the database or compiles rules.
 */
export class Snapshots {
  readonly #current = new Map<string, EnvironmentSnapshot>();
  // Per environment, not per snapshot: marks made on a snapshot that a change has replaced still
  // reach the next flush.
  readonly #usage = new Map<string, UsageMarks>();

  constructor(
    private readonly db: Db,
    bus: ChangeBus,
  ) {
    bus.subscribe((change) => {
      const previous = this.#current.get(change.environment);
      if (!previous) return;
      // A gap means a change was missed (it cannot be in one process); read afresh to be safe.
      if (change.revision !== previous.revision + 1) {
        this.#current.delete(change.environment);
        return;
      }
      const store = previous.store.clone();
      if (change.kind === "patch" && change.flag) store.upsert(change.flag, change.revision);
      else if (change.kind === "delete") store.remove(change.flagKey, change.revision);
      else if (change.kind === "segment" && change.segment)
        store.upsertSegment(change.segment, change.revision);
      else if (change.kind === "segment_delete") store.removeSegment(change.segmentKey, change.revision);
      this.#current.set(change.environment, new EnvironmentSnapshot(store, previous.usage));
    });
  }

  /** The environment's current snapshot, or undefined when the environment does not exist. */
  get(environment: string): EnvironmentSnapshot | undefined {
    const hit = this.#current.get(environment);
    if (hit) return hit;
    const set = readFlagSet(this.db, environment);
    if (!set) return undefined;
    const snapshot = new EnvironmentSnapshot(new FlagStore(set), this.#marksOf(environment));
    this.#current.set(environment, snapshot);
    return snapshot;
  }

  /** Every environment's flags evaluated since the last call (environments with none left out). */
  drainUsage(): Map<string, Set<string>> {
    const drained = new Map<string, Set<string>>();
    for (const [environment, marks] of this.#usage) {
      const keys = marks.drain();
      if (keys.size > 0) drained.set(environment, keys);
    }
    return drained;
  }

  #marksOf(environment: string): UsageMarks {
    let marks = this.#usage.get(environment);
    if (!marks) {
      marks = new UsageMarks();
      this.#usage.set(environment, marks);
    }
    return marks;
  }
}
