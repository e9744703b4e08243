import { definedOnly } from "../kernel/defined-only.js";
import type { SseConnection } from "./sse-connection.js";
import { retryHint } from "./sse-event.js";
import { type RegistryDeps, StreamRegistry, type StreamStats } from "./stream-registry.js";

export interface StreamOptions {
  /** Milliseconds between heartbeat comments (and revoked-token checks); default 15 s. */
  heartbeatMs?: number;
  /** The `retry:` hint sent to clients on connect; default 2 s. */
  retryMs?: number;
  /** Bytes a client may fall behind before it is dropped; hub-specific default. */
  maxBacklogBytes?: number;
}

/**
 * What every SSE hub (SDK, browser, admin, OFREP) has in common: its registry of open streams,
 * its options with their defaults, its counts for logs and /metrics, and start/stop of the
 * heartbeat. A hub adds only what it sends: how a stream opens and what a change becomes.
 */
export abstract class SseHub<T> {
  protected readonly streams: StreamRegistry<T>;
  protected options: Required<StreamOptions>;
  /** The `retry:` line every new stream starts with, framed once per start, not per connect. */
  protected retry: Buffer;

  constructor(
    deps: RegistryDeps,
    connectionOf: (stream: T) => SseConnection,
    name: string,
    private readonly defaults: Required<StreamOptions>,
  ) {
    this.streams = new StreamRegistry(deps, connectionOf, name);
    this.options = defaults;
    this.retry = retryHint(defaults.retryMs);
  }

  /** Connections open now, and opened and closed since start (for logs and /metrics). */
  stats(): StreamStats {
    return this.streams.stats();
  }

  /** Open SSE connections, over every environment. */
  get connections(): number {
    return this.streams.size;
  }

  /** Applies options and starts the heartbeat; returns the stop function. */
  start(options: StreamOptions = {}): () => void {
    this.options = { ...this.defaults, ...definedOnly(options) };
    this.retry = retryHint(this.options.retryMs);
    this.streams.startHeartbeat(this.options.heartbeatMs);
    return () => this.stop();
  }

  /** Stops the heartbeat and ends every stream, so the HTTP server can close at once. */
  stop(): void {
    this.streams.stop();
  }
}
