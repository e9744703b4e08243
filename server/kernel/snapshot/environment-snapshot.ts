import { createHash } from "node:crypto";
import type { FlagSet, FlagStore } from "../../../sdk/core/index.js";
import type { UsageMarks } from "./usage-marks.js";

/**
 * A reader's own view of a snapshot (a stream's framed `put`, the client API's flag lists),
 * built from the snapshot the first time it is asked for and kept with it.
 */
export interface SnapshotView<T> {
  readonly name: string;
  build(snapshot: EnvironmentSnapshot): T;
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * One environment's flags at one revision, shared by every reader: the compiled store that
 * evaluation uses, the serialised set and its ETag that downloads send, and whatever views the
 * features derive (each built at most once per revision, on first use). A change makes a new
 * snapshot; this one never changes, so a reader holding it sees one consistent revision.
 */
export class EnvironmentSnapshot {
  #json: string | undefined;
  #etag: string | undefined;
  readonly #views = new Map<SnapshotView<unknown>, unknown>();

  constructor(
    /** Compiled flags at this revision; not to be changed by readers. */
    readonly store: FlagStore,
    /** The environment's usage marks, shared by its successive snapshots until flushed. */
    readonly usage: UsageMarks,
  ) {}

  get environment(): string {
    return this.store.environment;
  }

  get revision(): number {
    return this.store.revision;
  }

  /** The FlagSet as JSON, flags and segments in key order: the body of `GET /api/sdk/flags`. */
  get json(): string {
    if (this.#json === undefined) {
      const set: FlagSet = this.store.snapshot();
      set.flags.sort(byKey);
      set.segments?.sort(byKey);
      this.#json = JSON.stringify(set);
    }
    return this.#json;
  }

  /** A strong ETag over `json`, quoted as it goes on the wire. */
  get etag(): string {
    this.#etag ??= `"${this.revision}-${createHash("sha256").update(this.json).digest("base64url").slice(0, 16)}"`;
    return this.#etag;
  }

  view<T>(view: SnapshotView<T>): T {
    if (this.#views.has(view)) return this.#views.get(view) as T;
    const built = view.build(this);
    this.#views.set(view, built);
    return built;
  }
}
