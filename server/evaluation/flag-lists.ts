import type { CompiledFlag, EvaluationScope } from "../../sdk/core/index.js";
import type { EnvironmentSnapshot, SnapshotView } from "../kernel/snapshot/environment-snapshot.js";
import { type FragmentCache, fragmentCache } from "./result-json.js";

/** The flags one kind of caller may see, in key order, with each one's fragment cache. */
export interface FlagList {
  readonly flags: readonly CompiledFlag[];
  /** `fragments[i]` belongs to `flags[i]`: looked up once per list, not once per request. */
  readonly fragments: readonly FragmentCache[];
  /** Where the flags find their prerequisites and segments: the snapshot's store. */
  readonly scope: EvaluationScope;
}

const listOf = (flags: CompiledFlag[], scope: EvaluationScope): FlagList => ({
  flags,
  fragments: flags.map(fragmentCache),
  scope,
});

const byKey = (x: CompiledFlag, y: CompiledFlag) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);

/** Every flag, and those with `clientVisible` on (what browsers may see): built once per snapshot. */
const FLAG_LISTS: SnapshotView<{ all: FlagList; visible: FlagList }> = {
  name: "evaluation flag lists",
  build({ store }) {
    const all: CompiledFlag[] = [];
    for (const key of store.keys()) {
      const flag = store.get(key);
      if (flag) all.push(flag);
    }
    all.sort(byKey);
    return {
      all: listOf(all, store),
      visible: listOf(
        all.filter((f) => f.config.clientVisible === true),
        store,
      ),
    };
  },
};

/** The snapshot's flags, or only the client-visible ones; never rebuilt per request. */
export function flagList(snapshot: EnvironmentSnapshot, clientVisibleOnly: boolean): FlagList {
  const lists = snapshot.view(FLAG_LISTS);
  return clientVisibleOnly ? lists.visible : lists.all;
}
