import type { CompiledFlag, FlagStore } from "../../sdk/core/index.js";
import { type FragmentCache, fragmentCache } from "./result-json.js";

/** The flags one kind of caller may see, in key order, with each one's fragment cache. */
export interface FlagList {
  readonly flags: readonly CompiledFlag[];
  /** `fragments[i]` belongs to `flags[i]`: looked up once per list, not once per request. */
  readonly fragments: readonly FragmentCache[];
}

const listOf = (flags: CompiledFlag[]): FlagList => ({ flags, fragments: flags.map(fragmentCache) });

interface Lists {
  revision: number;
  all: FlagList;
  visible: FlagList;
}

const lists = new WeakMap<FlagStore, Lists>();

const byKey = (x: CompiledFlag, y: CompiledFlag) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);

/**
 * The environment's flags, or only those with `clientVisible` on (what browsers may see). Kept
 * per store and revision: every change bumps the revision, so a list is rebuilt once per change,
 * never per request.
 */
export function flagList(store: FlagStore, clientVisibleOnly: boolean): FlagList {
  let hit = lists.get(store);
  if (!hit || hit.revision !== store.revision) {
    const all: CompiledFlag[] = [];
    for (const key of store.keys()) {
      const flag = store.get(key);
      if (flag) all.push(flag);
    }
    all.sort(byKey);
    hit = {
      revision: store.revision,
      all: listOf(all),
      visible: listOf(all.filter((f) => f.config.clientVisible === true)),
    };
    lists.set(store, hit);
  }
  return clientVisibleOnly ? hit.visible : hit.all;
}
