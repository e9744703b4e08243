import { FlagStore } from "../../../sdk/core/index.js";
import { readFlagSet } from "../../flags/flag-rows.js";
import type { ChangeBus } from "../change/change-bus.js";
import type { Db } from "../db/database.js";

/**
 * Each environment's flag set compiled once and kept current from the change bus, so evaluation
 * endpoints never read the database or recompile rules per request.
 */
export class FlagCache {
  readonly #stores = new Map<string, FlagStore>();

  constructor(
    private readonly db: Db,
    bus: ChangeBus,
  ) {
    bus.subscribe((change) => {
      const store = this.#stores.get(change.environment);
      if (!store) return;
      // A gap means this cache missed a change (it cannot in one process); reload to be safe.
      if (change.revision !== store.revision + 1) {
        this.#stores.delete(change.environment);
        return;
      }
      if (change.kind === "patch" && change.flag) store.upsert(change.flag, change.revision);
      else store.remove(change.flagKey, change.revision);
    });
  }

  /** The environment's compiled flags, or undefined when the environment does not exist. */
  get(environment: string): FlagStore | undefined {
    const hit = this.#stores.get(environment);
    if (hit) return hit;
    const set = readFlagSet(this.db, environment);
    if (!set) return undefined;
    const store = new FlagStore(set);
    this.#stores.set(environment, store);
    return store;
  }
}
