import { FlagStore } from "../../../sdk/core/index.js";
import type { FlagSet } from "../../../sdk/core/types.js";
import type { ChangeBus } from "../change/change-bus.js";
import { readFlagSet } from "../change/flag-config.js";
import type { Store } from "../db/database.js";
import { environments } from "../db/schema.js";
import { EnvironmentSnapshot } from "./environment-snapshot.js";
import { UsageMarks } from "./usage-marks.js";

/**
 * The current snapshot of each environment, in memory. Every environment's set is read and
 * compiled at start (`loadAll`), and each environment a commit creates is read when it commits;
 * after that, each change on the bus makes the next snapshot from the previous one, compiling only
 * the flag that changed. Evaluation, downloads and streams all read from here (`get` never reads
 * the database), so no request reads the database or compiles rules.
 */
export class Snapshots {
  readonly #current = new Map<string, EnvironmentSnapshot>();
  // Per environment, not per snapshot: marks made on a snapshot that a change has replaced still
  // reach the next flush.
  readonly #usage = new Map<string, UsageMarks>();

  constructor(
    private readonly store: Store,
    bus: ChangeBus,
  ) {
    bus.subscribe((change) => {
      const previous = this.#current.get(change.environment);
      // The change feed publishes each environment's revisions in order, once each.
      if (!previous || change.revision !== previous.revision + 1) return;
      const store = previous.store.clone();
      if (change.kind === "patch" && change.flag) store.upsert(change.flag, change.revision);
      else if (change.kind === "delete") store.remove(change.flagKey, change.revision);
      else if (change.kind === "segment" && change.segment)
        store.upsertSegment(change.segment, change.revision);
      else if (change.kind === "segment_delete") store.removeSegment(change.segmentKey, change.revision);
      this.#current.set(change.environment, new EnvironmentSnapshot(store, previous.usage));
    });
    bus.onCreated((environment) => this.load(environment));
  }

  /** Reads every environment's flag set; the server does this before it listens. */
  async loadAll(): Promise<void> {
    const rows = await this.store.db.select({ key: environments.key }).from(environments);
    for (const r of rows) await this.load(r.key);
  }

  /** Reads one environment's flag set afresh (new, or too far behind to catch up change by change). */
  async load(environment: string): Promise<void> {
    const set = await readFlagSet(this.store, environment);
    if (set) this.install(set);
  }

  install(set: FlagSet): void {
    const held = this.#current.get(set.environment);
    if (held && held.revision > set.revision) return;
    this.#current.set(
      set.environment,
      new EnvironmentSnapshot(new FlagStore(set), this.#marksOf(set.environment)),
    );
  }

  /** The environment's current snapshot, or undefined when the environment does not exist. */
  get(environment: string): EnvironmentSnapshot | undefined {
    return this.#current.get(environment);
  }

  /** The revision this process serves for `environment`; undefined when it holds none. */
  revision(environment: string): number | undefined {
    return this.#current.get(environment)?.revision;
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
