import {
  type Arm,
  type EvaluationContext,
  type EvaluationResult,
  FlagStore,
  type JsonValue,
} from "../core/index.js";
import { CUSTOM_METRIC_NAME } from "../core/metrics-report.js";
import { applyChange } from "./apply-change.js";
import { BackupWriter, readBackup } from "./backup-file.js";
import type { ClientEvents, ClientStatus, FlagSource } from "./client-events.js";
import { Emitter } from "./emitter.js";
import { type EvaluationHook, Evaluator } from "./evaluator.js";
import { FlagSync } from "./flag-sync.js";
import { MetricsReporter, type MetricsStats } from "./metrics-reporter.js";
import { type ClientOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { RollguardError } from "./rollguard-error.js";
import { StatusTracker } from "./status-tracker.js";
import type { Timers } from "./timers.js";

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
  // Plain (not #private) fields on the outcome path, like `evaluator`: no brand check per call.
  private readonly metrics: MetricsReporter | undefined;
  private readonly timers: Timers;
  #source: FlagSource = "none";
  #closing: Promise<void> | undefined;

  /** Use `createClient(options)`. */
  constructor(options: ClientOptions) {
    const o = resolveOptions(options);
    this.#options = o;
    this.evaluator = new Evaluator(
      this.#store,
      (error, what) => this.#report(RollguardError.from(error, "INTERNAL", what)),
      o.metrics ? (key) => this.metrics?.evaluated(key) : undefined,
    );
    this.#status = new StatusTracker(this.#events, o.timers, () => this.#store.revision);
    this.#backup = o.backupPath
      ? new BackupWriter(o.backupPath, o.backupThrottleMs, o.timers, (e) => this.#report(e))
      : undefined;
    this.timers = o.timers;
    this.metrics = o.metrics
      ? new MetricsReporter({
          url: o.url,
          token: o.token,
          fetch: o.fetch,
          timers: o.timers,
          intervalMs: o.metricsIntervalMs,
          requestTimeoutMs: o.requestTimeoutMs,
          report: (e) => this.#report(e),
        })
      : undefined;
    this.#loadFallback();
    this.#sync = new FlagSync(o, {
      applySet: (set) => this.#applied(this.#store.replace(set)),
      applyChange: (change, revision) => this.#applied(applyChange(this.#store, change, revision)),
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

  /**
   * Records the outcome of one unit of work (a request, a job) under the arm `flagKey` gives this
   * context: `ok: false` counts a failure, `durationMs` goes to the latency histogram. The arm is
   * found by evaluating the flag locally (hooks do not run: it is not an evaluation of yours).
   * Only the default rollout's decisions are experiments: when a targeting rule decided, the flag
   * is off or unknown, or no flags are loaded yet, nothing is recorded. Counts are sent every
   * `metricsIntervalMs` (and on `close()`) for the guard to compare treatment with control. Cheap
   * enough for the hot path (counters in memory, see bench/eval.ts) and never throws.
   *
   * @example
   * const started = performance.now();
   * try {
   *   await (flags.isEnabled("new-checkout", user) ? newCheckout(req) : oldCheckout(req));
   *   flags.observe("new-checkout", user, { ok: true, durationMs: performance.now() - started });
   * } catch (error) {
   *   flags.observe("new-checkout", user, { ok: false, durationMs: performance.now() - started });
   *   throw error;
   * }
   */
  observe(
    flagKey: string,
    context: EvaluationContext | undefined,
    outcome: { ok: boolean; durationMs?: number },
  ): void {
    if (!this.metrics) return;
    try {
      const arm = this.evaluator.arm(flagKey, context);
      if (arm !== undefined) this.metrics.observe(flagKey, arm, Boolean(outcome.ok), outcome.durationMs);
    } catch (error) {
      this.#report(RollguardError.from(error, "INTERNAL", "observe"));
    }
  }

  /**
   * Runs `fn` as one unit of work of `flagKey` for this context and records its outcome like
   * `observe`: a failure when it throws or its promise rejects, and its duration. Returns what `fn`
   * returns (the same promise settles the same way) and rethrows what it throws: the error is the
   * application's, never swallowed. The SDK's own failures never reach the caller.
   *
   * @example
   * app.post("/checkout", (req, res) =>
   *   flags.wrap("new-checkout", { userId: req.user.id }, () =>
   *     flags.isEnabled("new-checkout", { userId: req.user.id }) ? newCheckout(req, res) : oldCheckout(req, res),
   *   ),
   * );
   */
  wrap<T>(flagKey: string, context: EvaluationContext | undefined, fn: () => T): T {
    if (typeof fn !== "function") {
      this.#report(new RollguardError("INTERNAL", "wrap: the last argument must be a function"));
      return undefined as T;
    }
    const metrics = this.metrics;
    let arm: Arm | undefined;
    if (metrics !== undefined)
      try {
        arm = this.evaluator.arm(flagKey, context);
      } catch (error) {
        this.#report(RollguardError.from(error, "INTERNAL", "wrap"));
      }
    if (arm === undefined) return fn();
    const started = this.timers.now();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#wrapped(flagKey, arm, false, started);
      throw error;
    }
    if (typeof result === "object" || typeof result === "function")
      try {
        if (isThenable(result))
          return result.then(
            (value) => {
              this.#wrapped(flagKey, arm, true, started);
              return value;
            },
            (error) => {
              this.#wrapped(flagKey, arm, false, started);
              throw error;
            },
          ) as T;
      } catch (error) {
        // A hostile `then`: hand the value back untouched, as if it were not a promise.
        this.#report(RollguardError.from(error, "INTERNAL", "wrap"));
      }
    this.#wrapped(flagKey, arm, true, started);
    return result;
  }

  #wrapped(flagKey: string, arm: Arm, ok: boolean, started: number): void {
    try {
      this.metrics?.observe(flagKey, arm, ok, this.timers.now() - started);
    } catch (error) {
      this.#report(RollguardError.from(error, "INTERNAL", "wrap"));
    }
  }

  /**
   * Adds one observation to custom metric `metricName` under this context's arm: the metric's
   * `count` grows by 1 and its `sum` by `value`. A guard rule on a custom metric
   * (`{ metric: "custom", customMetric: "payment_failed" }`) reads it as `sum` bad events among
   * `count` opportunities, higher is worse: track every opportunity, with 1 when it went bad and 0
   * when it did not, e.g. once per checkout with whether the payment failed. (Values other than
   * 0 and 1 are sent as they are, but only counts of bad events make sense to a guard.) Names are
   * 1–64 letters, digits or `_ . : -`, at most 20 per flag and arm; other names, and values that
   * are not finite numbers, record nothing and emit `error`. Same arms as `observe`; never throws.
   *
   * @example
   * flags.track("new-checkout", { userId }, "payment_failed", paid ? 0 : 1);
   */
  track(flagKey: string, context: EvaluationContext | undefined, metricName: string, value: number): void {
    if (!this.metrics) return;
    try {
      if (
        !(typeof metricName === "string" && CUSTOM_METRIC_NAME.test(metricName) && Number.isFinite(value))
      ) {
        this.#report(
          new RollguardError(
            "INTERNAL",
            "track: the name must match /^[A-Za-z0-9_.:-]{1,64}$/ and the value be a finite number",
          ),
        );
        return;
      }
      const arm = this.evaluator.arm(flagKey, context);
      if (arm !== undefined) this.metrics.track(flagKey, arm, metricName, value);
    } catch (error) {
      this.#report(RollguardError.from(error, "INTERNAL", "track"));
    }
  }

  /**
   * How outcome reporting is doing: outcomes `sent`, `dropped` (over the bound of 1,000 flag × arm
   * entries per interval, in a report that failed twice or was refused, or for flags the server
   * does not know), `pending`, and the reports sent and failed. All zeros with `metrics: false`.
   */
  metricsStats(): MetricsStats {
    return this.metrics?.snapshot() ?? { sent: 0, dropped: 0, pending: 0, reports: 0, failures: 0 };
  }

  /**
   * Sends the outcomes counted so far (a report that fails gets its one retry at once), then stops
   * streaming and polling, writes a pending backup, and ends the client. Evaluations keep working.
   * Resolves when that is done; never rejects. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#status.status === "closed") return;
    await this.metrics?.close();
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

function isThenable<T>(value: T): value is T & PromiseLike<Awaited<T>> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
