import { type EvaluationContext, type EvaluationResult, FlagStore, type JsonValue } from "../core/index.js";
import { BackupWriter, readBackup } from "./backup-file.js";
import type { ClientEvents, ClientStatus, FlagSource } from "./client-events.js";
import { Emitter } from "./emitter.js";
import { type EvaluationHook, Evaluator } from "./evaluator.js";
import { FlagSync } from "./flag-sync.js";
import { type ClientOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { RollguardError } from "./rollguard-error.js";
import { StatusTracker } from "./status-tracker.js";

/**
 * A Rollguard client for Node services: it downloads the environment's flags once, keeps them
 * current over Server-Sent Events (or polling), and evaluates locally: no network call per
 * evaluation. Evaluation methods never throw; failures are reported through the `error` event.
 * Make one per process with `createClient` and share it.
 */
export class RollguardClient {
  readonly #options: ResolvedOptions;
  readonly #store = new FlagStore();
  readonly #events = new Emitter<ClientEvents>();
  private readonly evaluator: Evaluator;
  readonly #status: StatusTracker;
  readonly #sync: FlagSync;
  readonly #backup: BackupWriter | undefined;
  #source: FlagSource = "none";

  /** Use `createClient(options)`. */
  constructor(options: ClientOptions) {
    const o = resolveOptions(options);
    this.#options = o;
    this.evaluator = new Evaluator(this.#store, (error, what) =>
      this.#report(RollguardError.from(error, "INTERNAL", what)),
    );
    this.#status = new StatusTracker(this.#events, o.timers, () => this.#store.revision);
    this.#backup = o.backupPath
      ? new BackupWriter(o.backupPath, o.backupThrottleMs, o.timers, (e) => this.#report(e))
      : undefined;
    this.#loadFallback();
    this.#sync = new FlagSync(o, {
      applySet: (set) => this.#applied(this.#store.replace(set)),
      applyPatch: (flag, revision) => this.#applied(this.#store.upsert(flag, revision) ? [flag.key] : []),
      applyDelete: (key, revision) => this.#applied(this.#store.remove(key, revision) ? [key] : []),
      connected: () => this.#status.connected(),
      lost: (error) => {
        this.#report(error);
        this.#status.lost(error);
      },
      refused: (error) => {
        this.#status.refused();
        this.#report(error);
      },
    });
    // Started after the constructor returns, so listeners added right after createClient hear everything.
    queueMicrotask(() => this.#sync.start());
  }

  /** `initializing`, `ready`, `stale`, `failed` or `closed`: see ClientStatus. */
  get status(): ClientStatus {
    return this.#status.status;
  }

  /** Where the served flags came from: `server`, `backup`, `bootstrap` or `none`. */
  get source(): FlagSource {
    return this.#source;
  }

  /** The revision of the flags served (the server's change counter for the environment). */
  get revision(): number {
    return this.#store.revision;
  }

  /**
   * Waits until the server's flags are in hand, the token is refused, or `timeoutMs` passes
   * (default `readyTimeoutMs`, 5 s). Never rejects: resolves to the status at that moment, so
   * `"ready"` means current flags, `"stale"` or `"initializing"` means the server was not reached in
   * time (the backup or bootstrap flags are served if there are any, else defaults), and `"failed"`
   * means the token was refused.
   *
   * @example
   * const status = await flags.ready({ timeoutMs: 2000 });
   * if (status !== "ready") log.warn(`serving ${flags.source} flags, status ${status}`);
   */
  ready(options: { timeoutMs?: number } = {}): Promise<ClientStatus> {
    const timeoutMs = options?.timeoutMs ?? this.#options.readyTimeoutMs;
    return this.#status.wait(
      Number.isFinite(timeoutMs) && timeoutMs >= 0 ? timeoutMs : this.#options.readyTimeoutMs,
    );
  }

  /**
   * Whether a boolean flag is on for this context. Returns `defaultValue` when the flag is unknown,
   * not boolean, or no flags are loaded. Never throws, whatever it is given.
   *
   * @example
   * if (flags.isEnabled("new-checkout", { userId: req.user.id })) return newCheckout(req);
   */
  isEnabled(key: string, context?: EvaluationContext, defaultValue = false): boolean {
    const fallback = defaultValue === true;
    try {
      const value = this.evaluator.evaluate(key, context, fallback).value;
      return typeof value === "boolean" ? value : fallback;
    } catch (error) {
      this.#report(RollguardError.from(error, "INTERNAL", "isEnabled"));
      return fallback;
    }
  }

  /**
   * The value a string, number or JSON flag serves to this context, or `defaultValue` when the
   * flag is unknown, of another type, or no flags are loaded. Never throws.
   *
   * @example
   * const color = flags.getValue("button-color", { userId }, "blue");
   * const limits = flags.getValue("rate-limits", { userId }, { perMinute: 60 });
   */
  getValue(key: string, context: EvaluationContext | undefined, defaultValue: string): string;
  getValue(key: string, context: EvaluationContext | undefined, defaultValue: number): number;
  getValue(key: string, context: EvaluationContext | undefined, defaultValue: boolean): boolean;
  getValue<T extends JsonValue>(key: string, context: EvaluationContext | undefined, defaultValue: T): T;
  getValue<T extends JsonValue>(key: string, context: EvaluationContext | undefined, defaultValue: T): T {
    return this.evaluate(key, context, defaultValue).value;
  }

  /**
   * The full result: `value`, `variant`, `reason` (`DISABLED`, `TARGETING_MATCH`, `SPLIT`, `DEFAULT`,
   * `ERROR`), `errorCode` on errors (`PROVIDER_NOT_READY`, `FLAG_NOT_FOUND`, `TYPE_MISMATCH`, …) and
   * `arm` (`treatment` or `control`) when the default rollout decided. Never throws.
   *
   * @example
   * const { value, variant, reason } = flags.evaluate("search-ranking", { userId }, "classic");
   */
  evaluate<T extends JsonValue>(
    key: string,
    context: EvaluationContext | undefined,
    defaultValue: T,
  ): EvaluationResult<T> {
    try {
      return this.evaluator.evaluate(key, context, defaultValue);
    } catch (error) {
      this.#report(RollguardError.from(error, "INTERNAL", "evaluate"));
      return {
        value: defaultValue,
        reason: "ERROR",
        errorCode: "GENERAL",
        errorMessage: "evaluation failed",
      };
    }
  }

  /**
   * Every flag's result for this context (e.g. to hand to a page); `{}` until flags are loaded.
   *
   * @example
   * res.json(flags.allFlags({ userId }));
   */
  allFlags(context?: EvaluationContext): Record<string, EvaluationResult> {
    try {
      return this.evaluator.all(context);
    } catch (error) {
      this.#report(RollguardError.from(error, "INTERNAL", "allFlags"));
      return {};
    }
  }

  /**
   * Listens to `ready`, `change`, `error`, `stale` or `recovered`; returns a function that stops
   * listening. An `error` without listeners is ignored (it never throws), and a listener that
   * throws does not disturb the client.
   *
   * @example
   * flags.on("change", ({ keys }) => log.info(`flags changed: ${keys.join(", ")}`));
   * flags.on("error", ({ error }) => log.warn(error.message));
   */
  on<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  once<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): () => void {
    return this.#events.once(event, listener);
  }

  off<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): void {
    this.#events.off(event, listener);
  }

  /**
   * Runs `hook` after every evaluation (for exposure counts and other instrumentation); returns a
   * function that removes it. See EvaluationHook.
   */
  addHook(hook: EvaluationHook): () => void {
    return this.evaluator.addHook(hook);
  }

  /** Stops streaming and polling, writes a pending backup, and ends the client. Evaluations keep working. */
  async close(): Promise<void> {
    if (this.#status.status === "closed") return;
    this.#sync.stop();
    this.#status.closed();
    await this.#backup?.flush();
    this.#events.removeAll();
  }

  /** Start-up order after the server: the backup file, then the bootstrap set. */
  #loadFallback(): void {
    const path = this.#options.backupPath;
    const backup = path ? readBackup(path) : {};
    if (backup.error) {
      const error = backup.error;
      queueMicrotask(() => this.#report(error));
    }
    const set = backup.set ?? this.#options.bootstrap;
    if (!set) return;
    this.#store.replace(set);
    this.evaluator.markLoaded();
    this.#source = backup.set ? "backup" : "bootstrap";
  }

  #applied(keys: string[]): void {
    const first = this.#source !== "server";
    this.#source = "server";
    this.evaluator.markLoaded();
    if (keys.length > 0)
      this.#events.emit("change", { keys, revision: this.#store.revision, source: "server" });
    if (keys.length > 0 || first) this.#backup?.schedule(() => this.#store.snapshot());
  }

  #report(error: RollguardError): void {
    if (this.#status.status !== "closed") this.#events.emit("error", { error });
  }
}
