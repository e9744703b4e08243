import { EventSource } from "eventsource";
import type { FlagConfig, FlagSet } from "../core/index.js";
import { METRICS_FLUSH_INTERVAL_MS } from "../core/metrics-report.js";
import type { EventSourceConstructor } from "./event-source-like.js";
import { systemTimers, type Timers } from "./timers.js";

/** Options of `createClient`. Only `url` and `token` are required. */
export interface ClientOptions {
  /** The Rollguard server, e.g. `https://flags.internal:4242`. */
  url: string;
  /** A server token (scope `server`); it decides the environment. */
  token: string;
  /** Stream changes over SSE (default). With false, poll `/api/sdk/flags` every `pollIntervalMs`. */
  streaming?: boolean;
  /** Polling period when streaming is off or keeps failing; default 15 000. */
  pollIntervalMs?: number;
  /** Consecutive stream failures after which the client also polls; default 3. */
  streamFailuresBeforePolling?: number;
  /** First reconnect delay; it doubles per failure up to `reconnectMaxMs`, with jitter. Default 1 000. */
  reconnectBaseMs?: number;
  /** Longest reconnect delay; default 30 000. */
  reconnectMaxMs?: number;
  /** A stream silent this long is considered dead (the server sends a heartbeat every 15 s); default 40 000. */
  readTimeoutMs?: number;
  /** Timeout of one flag download; default 10 000. */
  requestTimeoutMs?: number;
  /** How long `ready()` waits by default; default 5 000. */
  readyTimeoutMs?: number;
  /**
   * A file that keeps the last good flag set, written atomically (temp file + rename) after
   * updates, at most once per `backupThrottleMs`, and read at start when the server is unknown yet.
   */
  backupPath?: string;
  /** Minimum milliseconds between backup writes; default 1 000. */
  backupThrottleMs?: number;
  /**
   * Report outcomes (`observe`, `wrap`, `track`) to the server for the guard (default true). With
   * false those methods record nothing (`wrap` still runs its function) and nothing is sent.
   */
  metrics?: boolean;
  /** How often counted outcomes are sent, one POST each time (nothing when none); default 10 000. */
  metricsIntervalMs?: number;
  /** Flags to serve when neither the server nor a backup file has any (e.g. in tests). */
  bootstrap?: FlagSet | FlagConfig[];
  /** Injected for tests or proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injected EventSource class; defaults to the `eventsource` package's. */
  EventSource?: EventSourceConstructor;
  /** Injected clock and timers. */
  timers?: Timers;
  /** Injected randomness for the reconnect jitter (0 ≤ x < 1). */
  random?: () => number;
}

export type ResolvedOptions = Required<
  Omit<ClientOptions, "backupPath" | "bootstrap" | "EventSource" | "fetch">
> & {
  backupPath: string | undefined;
  bootstrap: FlagSet | undefined;
  EventSource: EventSourceConstructor;
  fetch: typeof fetch;
};

function positive(value: number | undefined, fallback: number, min = 1): number {
  return typeof value === "number" && Number.isFinite(value) && value >= min ? value : fallback;
}

/** Fills in defaults; throws a TypeError (at start-up, never later) when url or token is missing. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options?.url !== "string" || !/^https?:\/\//.test(options.url))
    throw new TypeError("createClient: `url` must be the server's http(s) URL");
  if (typeof options.token !== "string" || options.token === "")
    throw new TypeError("createClient: `token` must be a server token");
  const bootstrap = Array.isArray(options.bootstrap)
    ? { environment: "", revision: 0, flags: options.bootstrap }
    : options.bootstrap;
  return {
    url: options.url.replace(/\/+$/, ""),
    token: options.token,
    streaming: options.streaming !== false,
    pollIntervalMs: positive(options.pollIntervalMs, 15_000, 10),
    streamFailuresBeforePolling: positive(options.streamFailuresBeforePolling, 3),
    reconnectBaseMs: positive(options.reconnectBaseMs, 1_000, 10),
    reconnectMaxMs: positive(options.reconnectMaxMs, 30_000, 10),
    readTimeoutMs: positive(options.readTimeoutMs, 40_000, 10),
    requestTimeoutMs: positive(options.requestTimeoutMs, 10_000, 10),
    readyTimeoutMs: positive(options.readyTimeoutMs, 5_000, 0),
    backupPath: options.backupPath,
    backupThrottleMs: positive(options.backupThrottleMs, 1_000, 0),
    metrics: options.metrics !== false,
    metricsIntervalMs: positive(options.metricsIntervalMs, METRICS_FLUSH_INTERVAL_MS, 10),
    bootstrap,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    EventSource: options.EventSource ?? (EventSource as unknown as EventSourceConstructor),
    timers: options.timers ?? systemTimers,
    random: options.random ?? Math.random,
  };
}
