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

/** An audit event as committed (a row of `audit_events`), for listeners that act on actions. */
export interface CommittedAudit {
  /** Its id in `audit_events`: ids become visible in id order on every instance (see AuditFeed). */
  id: number;
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
 * Carries committed changes from the change path to whoever streams them. Only the feeds
 * publish (ChangeFeed the changes, AuditFeed the audit events seen anywhere) and the change path
 * announces what it committed, always after the commit, so a listener never sees a change that
 * could still roll back.
 */
export class ChangeBus {
  readonly #listeners = new Set<Listener>();
  readonly #anywhereListeners = new Set<AuditListener>();
  readonly #hereListeners = new Set<AuditListener>();
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

  /**
   * Hears of every audit event of the cluster, on every instance: committed here or by another
   * instance on the same PostgreSQL, once each, in id order (the AuditFeed is the only caller of
   * `auditSeen`). For what every instance shows or forgets: the dashboard's admin stream, the
   * token cache, revoked tokens' streams. Not for what must happen once (webhooks, log lines):
   * that is `onAuditCommittedHere`.
   */
  onAuditAnywhere(listener: AuditListener): () => void {
    this.#anywhereListeners.add(listener);
    return () => this.#anywhereListeners.delete(listener);
  }

  auditSeen(event: CommittedAudit): void {
    notify(this.#anywhereListeners, event);
  }

  /**
   * Hears of the audit events this instance committed, and only those: each event is heard by
   * one instance of the cluster, the one that committed it. For what must happen once per event
   * cluster-wide: webhook deliveries, the log line and counters of a change.
   */
  onAuditCommittedHere(listener: AuditListener): () => void {
    this.#hereListeners.add(listener);
    return () => this.#hereListeners.delete(listener);
  }

  auditCommittedHere(event: CommittedAudit): void {
    notify(this.#hereListeners, event);
  }
}

function notify(listeners: ReadonlySet<AuditListener>, event: CommittedAudit): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // As for publish: the write committed; a listener cannot undo it.
    }
  }
}
