import type { FlagConfig, SegmentConfig } from "../../../sdk/core/types.js";

/** One committed change of one flag in one environment, as the stream hub sends it. */
export interface FlagChange {
  environment: string;
  revision: number;
  kind: "patch" | "delete";
  flagKey: string;
  /** The flag's full state after the change; absent for `delete`. */
  flag?: FlagConfig;
}

/**
 * One committed change of one segment, as one environment sees it. Segments are shared by every
 * environment, so a segment change is one of these per environment, each one revision: the flags
 * that reference the segment are not re-sent, SDKs re-evaluate them against the new segment.
 */
export interface SegmentChange {
  environment: string;
  revision: number;
  kind: "segment" | "segment_delete";
  segmentKey: string;
  /** The segment after the change; absent for `segment_delete`. */
  segment?: SegmentConfig;
}

export type PublishedChange = FlagChange | SegmentChange;

export function isFlagChange(change: PublishedChange): change is FlagChange {
  return change.kind === "patch" || change.kind === "delete";
}

/** The key of what changed: the flag's, or the segment's. */
export function changedKey(change: PublishedChange): string {
  return isFlagChange(change) ? change.flagKey : change.segmentKey;
}

/** The change's payload as the change log stores it: the config after the change, or null. */
export function changePayload(change: PublishedChange): string {
  return JSON.stringify((isFlagChange(change) ? change.flag : change.segment) ?? null);
}

/** An audit event as committed, for listeners that act on actions (webhooks). */
export interface CommittedAudit {
  at: number;
  actor: string;
  action: string;
  flagKey: string | null;
  environment: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

type Listener = (change: PublishedChange) => void;
type CreatedListener = (environment: string) => Promise<void> | void;
type AuditListener = (event: CommittedAudit) => void;

/**
 * Carries committed changes from the change path to whoever streams them. Only the change path
 * publishes, and only after its transaction committed, so a listener never sees a change that
 * could still roll back.
 */
export class ChangeBus {
  readonly #listeners = new Set<Listener>();
  readonly #auditListeners = new Set<AuditListener>();
  readonly #createdListeners = new Set<CreatedListener>();
  readonly #resetListeners = new Set<(environment: string) => void>();

  /** Hears of an environment read afresh (too far behind for its change log): end its streams. */
  onReset(listener: (environment: string) => void): () => void {
    this.#resetListeners.add(listener);
    return () => this.#resetListeners.delete(listener);
  }

  reset(environment: string): void {
    for (const listener of this.#resetListeners) {
      try {
        listener(environment);
      } catch {
        // As for publish.
      }
    }
  }

  /** Hears of each environment a commit created (after the commit); awaited by the change path. */
  onCreated(listener: CreatedListener): () => void {
    this.#createdListeners.add(listener);
    return () => this.#createdListeners.delete(listener);
  }

  async created(environment: string): Promise<void> {
    for (const listener of this.#createdListeners) {
      try {
        await listener(environment);
      } catch {
        // The environment exists; a listener that failed to load it reads it on its next catch-up.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(change: PublishedChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // A broken listener must not stop the others, nor fail a write that already committed.
      }
    }
  }

  onAudit(listener: AuditListener): () => void {
    this.#auditListeners.add(listener);
    return () => this.#auditListeners.delete(listener);
  }

  announce(event: CommittedAudit): void {
    for (const listener of this.#auditListeners) {
      try {
        listener(event);
      } catch {
        // As above: the write committed; a listener cannot undo it.
      }
    }
  }
}
