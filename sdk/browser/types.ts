import type { Arm, ErrorCode, EvaluationContext, JsonValue, Reason } from "../core/types.js";

export type { Arm, ErrorCode, EvaluationContext, JsonValue, Reason };

/** One flag's value for the client's context, as the server evaluated it. */
export interface FlagResult {
  value: JsonValue;
  variant?: string;
  reason: Reason;
  errorCode?: ErrorCode;
  /** Which side of the default rollout this user is on; absent when a rule, the kill switch or an error decided. */
  arm?: Arm;
}

/** What `evaluate` returns: the result, or the default with an error code, and whether it may be old. */
export interface Evaluation<T = JsonValue> {
  value: T;
  variant?: string;
  reason: Reason;
  errorCode?: ErrorCode;
  arm?: Arm;
  /** True while the values come from storage or the live stream is down. */
  stale: boolean;
}

export interface ClientEvents {
  /** The first answer (fresh, or the failure that leaves cached or default values) is in. */
  ready: () => void;
  /** Values changed, for these keys. */
  change: (keys: string[]) => void;
  /** Something failed; the client keeps serving what it has and retries. */
  error: (error: Error) => void;
  /** The values may be out of date (from storage, or the server cannot be reached). */
  stale: () => void;
}

/**
 * The extension point for code that rides along with the client, such as metrics: an extension
 * sees every evaluation and is told to flush when the page is hidden or the client closes.
 */
export interface Extension {
  setup?(api: ExtensionApi): void;
  /** Called on every isEnabled / getValue / evaluate, after the value is decided. */
  onEvaluate?(key: string, result: Evaluation): void;
  /** The page is being hidden (or the client closes): send what is buffered now, with `api.send`. */
  flush?(): void;
}

export interface ExtensionApi {
  client: RollguardClient;
  /** POSTs JSON to a path of the Rollguard server with the client token; survives page unload (fetch keepalive). */
  send(path: string, body: unknown): void;
}

export interface ClientOptions {
  /** The Rollguard server, e.g. "https://flags.example.com". */
  url: string;
  /** A client token (scope "client"): it sees only client-visible flags of its environment. */
  clientToken: string;
  context?: EvaluationContext;
  /** Live updates over Server-Sent Events; default true. */
  stream?: boolean;
  /** Where the last values are kept per context; default localStorage, null for none. */
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Reconnect backoff: the first delay and the ceiling, in ms (default 1,000 and 60,000), with jitter. */
  backoff?: { minMs?: number; maxMs?: number };
  extensions?: Extension[];
  /** Report outcomes (`observe`, `track`) for the guard; default true. */
  metrics?: boolean;
  /** How often outcomes are sent (also when the page is hidden); default 10,000 ms. */
  metricsIntervalMs?: number;
}

export interface RollguardClient {
  /** Resolves once the first answer is in, or the first attempt failed; never rejects. */
  ready(): Promise<void>;
  readonly stale: boolean;
  readonly context: EvaluationContext;
  isEnabled(key: string, defaultValue?: boolean): boolean;
  getValue<T extends JsonValue>(key: string, defaultValue: T): T;
  evaluate<T extends JsonValue>(key: string, defaultValue?: T): Evaluation<T>;
  /** Every flag's result for the current context. */
  all(): Record<string, FlagResult>;
  /** Switches to another context (a login, say) and re-evaluates; resolves like `ready`. */
  setContext(context: EvaluationContext): Promise<void>;
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /**
   * Records the outcome of one unit of work (a click's request, a render) under the arm the flag
   * gives this user: `ok: false` counts a failure, `durationMs` goes to the latency histogram.
   * Only the default rollout's decisions are experiments: when a rule decided, the flag is off
   * or unknown, nothing is recorded. Sent with `POST /api/client/metrics` every
   * `metricsIntervalMs`, when the page is hidden, and on `close()`. Never throws.
   */
  observe(flagKey: string, outcome: { ok: boolean; durationMs?: number }): void;
  /**
   * One observation of custom metric `name` under this user's arm: its `count` grows by 1 and its
   * `sum` by `value`. A guard rule on the metric reads `sum` bad events among `count`
   * opportunities: track each opportunity with 1 when it went bad, 0 when not. Never throws.
   */
  track(flagKey: string, name: string, value: number): void;
  /** Sends the outcomes counted so far, stops, and closes the live connection. */
  close(): void;
}
