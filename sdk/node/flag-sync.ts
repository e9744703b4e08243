import { backoffDelay } from "../core/backoff.js";
import type { FlagSet } from "../core/index.js";
import { downloadFlags } from "./flag-download.js";
import type { StreamChange } from "./flag-set-shape.js";
import { FlagStream } from "./flag-stream.js";
import type { ResolvedOptions } from "./options.js";
import { RollguardError } from "./rollguard-error.js";
import type { TimerHandle } from "./timers.js";

/** What the sync loop feeds: the client's store and status. */
export interface SyncTarget {
  applySet(set: FlagSet): void;
  /** One streamed change of a flag or a segment, at the revision after the client's. */
  applyChange(change: StreamChange, revision: number): void;
  /** The server answered: the flags are current. */
  connected(): void;
  /** The server could not be reached; the loop keeps trying. */
  lost(error: RollguardError): void;
  /** The server refused the token; the loop has stopped for good. */
  refused(error: RollguardError): void;
}

/**
 * Keeps the client's flags in step with the server: an SSE stream with our own reconnect loop
 * (exponential backoff with jitter, `Last-Event-ID` on reconnect), polling with ETag when streaming
 * is off or after `streamFailuresBeforePolling` failed attempts in a row (the stream is still
 * retried, at the backoff's pace, and polling stops once it is back), and a full stop on 401/403.
 */
export class FlagSync {
  #stream: FlagStream | undefined;
  #streamTimer: TimerHandle | undefined;
  #pollTimer: TimerHandle | undefined;
  #streamFailures = 0;
  #polling = false;
  /** Bumped whenever polling starts or stops, so a poll answering late belongs to no loop. */
  #pollRound = 0;
  #stopped = false;
  #etag: string | undefined;
  /** The revision the client has from this server; undefined until the first set arrives. */
  #revision: number | undefined;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly target: SyncTarget,
  ) {}

  start(): void {
    if (this.o.streaming) this.#connect();
    else this.#startPolling();
  }

  stop(): void {
    this.#stopped = true;
    this.#stopPolling();
    this.#stream?.close();
    this.#stream = undefined;
    if (this.#streamTimer !== undefined) this.o.timers.clearTimeout(this.#streamTimer);
  }

  #connect(): void {
    this.#streamTimer = undefined;
    if (this.#stopped) return;
    this.#stream = new FlagStream(
      { ...this.o, lastEventId: this.#revision },
      {
        onOpen: () => {
          this.#streamFailures = 0;
          this.#stopPolling();
          // A resumed stream is current as soon as it opens; a fresh one once its put arrives.
          if (this.#revision !== undefined) this.target.connected();
        },
        onPut: (set) => {
          this.#revision = set.revision;
          this.target.applySet(set);
          this.target.connected();
        },
        onChange: (change, revision) =>
          this.#change(revision, () => this.target.applyChange(change, revision)),
        onEnd: (error, wasOpen) => this.#streamEnded(error, wasOpen),
      },
    );
  }

  /** Applies a change that follows what the client has; false on a gap (the stream then resumes). */
  #change(revision: number, apply: () => void): boolean {
    if (this.#revision === undefined) return false;
    if (revision <= this.#revision) return true;
    if (revision !== this.#revision + 1) return false;
    this.#revision = revision;
    apply();
    return true;
  }

  #streamEnded(error: RollguardError, wasOpen: boolean): void {
    this.#stream = undefined;
    if (this.#stopped) return;
    if (error.fatal) {
      this.#refused(error);
      return;
    }
    this.#streamFailures++;
    // A stream that was open and just ended (a server restart, a drop for falling behind) gets one
    // quiet retry: the client is stale only when reconnecting fails.
    const quiet = wasOpen && this.#streamFailures === 1;
    if (!quiet && !this.#polling) this.target.lost(error);
    if (this.#streamFailures >= this.o.streamFailuresBeforePolling) this.#startPolling();
    const delay = backoffDelay(
      this.#streamFailures,
      this.o.reconnectBaseMs,
      this.o.reconnectMaxMs,
      this.o.random,
    );
    this.#streamTimer = this.o.timers.setTimeout(() => this.#connect(), delay);
  }

  #refused(error: RollguardError): void {
    this.stop();
    this.target.refused(error);
  }

  #startPolling(): void {
    if (this.#polling || this.#stopped) return;
    this.#polling = true;
    void this.#poll(++this.#pollRound);
  }

  #stopPolling(): void {
    this.#polling = false;
    this.#pollRound++;
    if (this.#pollTimer !== undefined) this.o.timers.clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  async #poll(round: number): Promise<void> {
    this.#pollTimer = undefined;
    const current = () => this.#polling && !this.#stopped && round === this.#pollRound;
    try {
      const result = await downloadFlags({ ...this.o, timeoutMs: this.o.requestTimeoutMs, etag: this.#etag });
      if (!current()) return;
      if (result.kind === "set") {
        this.#etag = result.etag;
        this.#revision = result.set.revision;
        this.target.applySet(result.set);
      }
      this.target.connected();
    } catch (caught) {
      if (!current()) return;
      const error = RollguardError.from(caught, "INTERNAL", "polling failed");
      if (error.fatal) {
        this.#refused(error);
        return;
      }
      this.target.lost(error);
    }
    if (current())
      this.#pollTimer = this.o.timers.setTimeout(() => void this.#poll(round), this.o.pollIntervalMs);
  }
}
