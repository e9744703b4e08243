import type { ClientEvents, ClientStatus } from "./client-events.js";
import type { Emitter } from "./emitter.js";
import type { RollguardError } from "./rollguard-error.js";
import type { Timers } from "./timers.js";

const SETTLED: ReadonlySet<ClientStatus> = new Set(["ready", "failed", "closed"]);

/** The client's status and the events its transitions raise: ready, stale, recovered. */
export class StatusTracker {
  #status: ClientStatus = "initializing";
  #staleSince = 0;
  #wasReady = false;
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly events: Emitter<ClientEvents>,
    private readonly timers: Timers,
    private readonly revision: () => number,
  ) {}

  get status(): ClientStatus {
    return this.#status;
  }

  /** The server answered: ready (the first time), recovered (after being stale). */
  connected(): void {
    const was = this.#status;
    if (was === "ready" || was === "failed" || was === "closed") return;
    this.#set("ready");
    if (!this.#wasReady) {
      this.#wasReady = true;
      this.events.emit("ready", { revision: this.revision() });
    }
    if (was === "stale")
      this.events.emit("recovered", {
        revision: this.revision(),
        staleForMs: this.timers.now() - this.#staleSince,
      });
  }

  lost(error: RollguardError): void {
    if (this.#status !== "ready" && this.#status !== "initializing") return;
    this.#staleSince = this.timers.now();
    this.#set("stale");
    this.events.emit("stale", { error });
  }

  refused(): void {
    if (this.#status !== "closed") this.#set("failed");
  }

  closed(): void {
    this.#set("closed");
  }

  /** Resolves when the status is ready, failed or closed, or after `timeoutMs` with the status then. */
  wait(timeoutMs: number): Promise<ClientStatus> {
    if (SETTLED.has(this.#status)) return Promise.resolve(this.#status);
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(check);
        this.timers.clearTimeout(timer);
        resolve(this.#status);
      };
      const check = () => {
        if (SETTLED.has(this.#status)) done();
      };
      const timer = this.timers.setTimeout(done, timeoutMs);
      // The SDK's own timers never keep a process alive, but a caller awaiting ready() must get
      // its answer: `await flags.ready()` in a script with the server down would otherwise exit.
      (timer as { ref?: () => void } | undefined)?.ref?.();
      this.#waiters.add(check);
    });
  }

  #set(status: ClientStatus): void {
    this.#status = status;
    for (const check of [...this.#waiters]) check();
  }
}
