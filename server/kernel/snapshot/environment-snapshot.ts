import { createHash } from "node:crypto";
import { readFlagSet } from "../../flags/flag-rows.js";
import { sseEvent } from "../../streaming/sse-event.js";
import type { ChangeBus } from "../change/change-bus.js";
import type { Db } from "../db/database.js";

/** One environment's flag set at one revision, serialised once for every reader. */
export interface FlagSetSnapshot {
  environment: string;
  revision: number;
  /** The FlagSet as JSON: the body of `GET /api/sdk/flags`. */
  json: string;
  /** Strong ETag over the body; quoted, as it goes on the wire. */
  etag: string;
  /** The same set framed as the stream's `put` event. */
  put: Buffer;
}

/**
 * Each environment's serialised flag set, built at most once per revision: the first reader after
 * a change reads the store and serialises; every later download and stream `put` reuses it until
 * the next change for that environment is published.
 */
export class FlagSetSnapshots {
  readonly #byEnv = new Map<string, FlagSetSnapshot>();

  constructor(
    private readonly db: Db,
    bus: ChangeBus,
  ) {
    bus.subscribe((change) => this.#byEnv.delete(change.environment));
  }

  /** The current snapshot, or undefined when the environment does not exist. */
  get(environment: string): FlagSetSnapshot | undefined {
    const hit = this.#byEnv.get(environment);
    if (hit) return hit;
    const set = readFlagSet(this.db, environment);
    if (!set) return undefined;
    const json = JSON.stringify(set);
    const hash = createHash("sha256").update(json).digest("base64url").slice(0, 16);
    const snapshot: FlagSetSnapshot = {
      environment,
      revision: set.revision,
      json,
      etag: `"${set.revision}-${hash}"`,
      put: sseEvent("put", set.revision, json),
    };
    this.#byEnv.set(environment, snapshot);
    return snapshot;
  }
}
