import type { AppDeps } from "../kernel/deps.js";
import * as errors from "../kernel/errors.js";
import type { EnvironmentSnapshot } from "../kernel/snapshot/environment-snapshot.js";

/** The environment's current snapshot; an environment that does not exist is a 404. */
export function snapshotOf(deps: AppDeps, environment: string): EnvironmentSnapshot {
  const snapshot = deps.snapshots.get(environment);
  if (!snapshot) throw errors.notFound(`environment \`${environment}\` does not exist`);
  return snapshot;
}
