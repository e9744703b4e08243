import {
  type Arm,
  type EvaluationContext,
  type EvaluationResult,
  evaluateFlag,
  type FlagStore,
  type JsonValue,
} from "../core/index.js";

/**
 * Called after every evaluation with the flag key, the result (its `arm` says which side of a
 * rollout the user fell on) and the context. The extension point for exposure counting and other
 * instrumentation: it runs synchronously on the caller's path, so keep it cheap. Its errors are
 * reported through the client's `error` event and never reach the caller.
 */
export type EvaluationHook = (key: string, result: EvaluationResult<JsonValue>, context: unknown) => void;

const EMPTY: EvaluationContext = Object.freeze({});

/**
 * The one place the Node SDK evaluates: every public method (isEnabled, getValue, evaluate,
 * allFlags) goes through here. It answers PROVIDER_NOT_READY until some flag set is loaded, turns
 * anything thrown into the caller's default, and runs the hooks.
 */
export class Evaluator {
  // Plain (not #private) fields: this is the hot path, and they skip a brand check per access.
  private isLoaded = false;
  private hooks: EvaluationHook[] = [];

  constructor(
    private readonly store: FlagStore,
    private readonly onError: (error: unknown, what: string) => void,
    /** Told the key of every evaluation of a loaded flag set (the metrics report lists them). */
    private readonly onEvaluated: ((key: string) => void) | undefined = undefined,
  ) {}

  /** Evaluations use the store from now on (a set came from the server, a backup or bootstrap). */
  markLoaded(): void {
    this.isLoaded = true;
  }

  get loaded(): boolean {
    return this.isLoaded;
  }

  evaluate<T extends JsonValue>(key: string, context: unknown, defaultValue: T): EvaluationResult<T> {
    let result: EvaluationResult<T>;
    try {
      result = this.isLoaded
        ? this.store.evaluate(key, context as EvaluationContext, defaultValue)
        : {
            value: defaultValue,
            reason: "ERROR",
            errorCode: "PROVIDER_NOT_READY",
            errorMessage: "no flags loaded yet",
          };
    } catch (error) {
      this.onError(error, "evaluation");
      return {
        value: defaultValue,
        reason: "ERROR",
        errorCode: "GENERAL",
        errorMessage: "evaluation failed",
      };
    }
    if (this.onEvaluated !== undefined && this.isLoaded) this.onEvaluated(key);
    if (this.hooks.length > 0) this.#runHooks(key, result, context);
    return result;
  }

  /**
   * The arm the default rollout puts this context in, or `undefined` when no rollout decided (a
   * rule matched, the flag is off, unknown, broken, or no flags are loaded). The same evaluation
   * as `evaluate`, but not one the application made: hooks do not run, so nothing counts twice.
   */
  arm(key: string, context: unknown): Arm | undefined {
    const flag = this.isLoaded ? this.store.get(key) : undefined;
    return flag === undefined ? undefined : evaluateFlag(flag, context as EvaluationContext, this.store).arm;
  }

  all(context: unknown): Record<string, EvaluationResult> {
    if (!this.isLoaded) return {};
    try {
      const results = this.store.evaluateAll((context ?? EMPTY) as EvaluationContext);
      if (this.onEvaluated !== undefined) for (const key of Object.keys(results)) this.onEvaluated(key);
      if (this.hooks.length > 0)
        for (const key of Object.keys(results)) this.#runHooks(key, results[key]!, context);
      return results;
    } catch (error) {
      this.onError(error, "evaluation of every flag");
      return {};
    }
  }

  addHook(hook: EvaluationHook): () => void {
    this.hooks = [...this.hooks, hook];
    return () => {
      this.hooks = this.hooks.filter((h) => h !== hook);
    };
  }

  #runHooks(key: string, result: EvaluationResult<JsonValue>, context: unknown): void {
    for (const hook of this.hooks) {
      try {
        hook(key, result, context);
      } catch (error) {
        this.onError(error, "an evaluation hook");
      }
    }
  }
}
