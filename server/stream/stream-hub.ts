import type { ServerResponse } from "node:http";
import type { TokenStore } from "../auth/token-store.js";
import type { Db } from "../store/database.js";
import type { ChangeBus, PublishedChange } from "./change-bus.js";
import { missedEvents } from "./change-log-reader.js";
import { FlagSetSnapshots } from "./flag-set-snapshots.js";
import { SseConnection } from "./sse-connection.js";
import { deleteData, HEARTBEAT, retryHint, sseEvent } from "./sse-event.js";

export interface StreamOptions {
  /** Milliseconds between heartbeat comments (and revoked-token checks); default 15 s. */
  heartbeatMs?: number;
  /** The `retry:` hint sent to clients on connect; default 2 s. */
  retryMs?: number;
  /** Bytes a client may fall behind before it is dropped; default 1 MiB. */
  maxBacklogBytes?: number;
}

export interface StreamHubDeps {
  db: Db;
  bus: ChangeBus;
  tokens: TokenStore;
  log: (message: string, error?: unknown) => void;
}

const DEFAULTS: Required<StreamOptions> = {
  heartbeatMs: 15_000,
  retryMs: 2_000,
  maxBacklogBytes: 1024 * 1024,
};

/**
 * Fans committed changes out to every open SSE connection of their environment. A change is framed
 * once and the same Buffer is written to each connection's Node response; a client that falls
 * behind is dropped (it resumes with `Last-Event-ID`), so it never delays the others.
 */
export class StreamHub {
  readonly snapshots: FlagSetSnapshots;
  readonly #byEnv = new Map<string, Set<SseConnection>>();
  #count = 0;
  #options = DEFAULTS;
  #retry = retryHint(DEFAULTS.retryMs);
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: StreamHubDeps) {
    this.snapshots = new FlagSetSnapshots(deps.db, deps.bus);
    deps.bus.subscribe((change) => this.#broadcast(change));
  }

  /** Open SSE connections, over every environment. */
  get connections(): number {
    return this.#count;
  }

  connectionsIn(environment: string): number {
    return this.#byEnv.get(environment)?.size ?? 0;
  }

  /** Applies options and starts the heartbeat; returns the stop function. */
  start(options: StreamOptions = {}): () => void {
    this.#options = { ...DEFAULTS, ...definedOnly(options) };
    this.#retry = retryHint(this.#options.retryMs);
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.heartbeatMs);
    this.#heartbeat.unref();
    return () => this.stop();
  }

  /** Stops the heartbeat and ends every stream, so the HTTP server can close at once. */
  stop(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const set of this.#byEnv.values()) for (const c of set) c.end();
  }

  /**
   * Takes over `res` as an SSE stream of `environment`. The connection is registered before the
   * flag set is read, and queues live changes until its first events are written (see
   * SseConnection), so nothing committed meanwhile is lost or doubled. With `lastEventId` the
   * client gets only the changes it missed, when the change log still has them; else a `put`.
   * Returns false (and leaves `res` alone) when the environment does not exist.
   */
  attach(environment: string, tokenId: string, res: ServerResponse, lastEventId?: number): boolean {
    if (!this.snapshots.get(environment)) return false;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    });
    const connection = new SseConnection(environment, tokenId, res, this.#options.maxBacklogBytes, (c) =>
      this.#forget(c),
    );
    const set = this.#byEnv.get(environment) ?? new Set();
    this.#byEnv.set(environment, set);
    set.add(connection);
    this.#count++;

    const snapshot = this.snapshots.get(environment);
    if (!snapshot) {
      connection.end();
      return true;
    }
    const missed =
      lastEventId === undefined
        ? undefined
        : missedEvents(this.deps.db, environment, lastEventId, snapshot.revision);
    connection.open([this.#retry, ...(missed ?? [snapshot.put])], snapshot.revision);
    return true;
  }

  #forget(connection: SseConnection): void {
    const set = this.#byEnv.get(connection.environment);
    if (set?.delete(connection)) this.#count--;
  }

  #broadcast(change: PublishedChange): void {
    const set = this.#byEnv.get(change.environment);
    if (!set || set.size === 0) return;
    const event =
      change.kind === "patch"
        ? sseEvent("patch", change.revision, JSON.stringify(change.flag))
        : sseEvent("delete", change.revision, deleteData(change.flagKey));
    for (const connection of set) connection.send(change.revision, event);
  }

  #beat(): void {
    if (this.#count === 0) return;
    let revoked: Set<string>;
    try {
      revoked = new Set(
        this.deps.tokens
          .list()
          .filter((t) => t.revoked)
          .map((t) => t.id),
      );
    } catch (error) {
      this.deps.log("stream heartbeat could not read tokens", error);
      revoked = new Set();
    }
    for (const set of this.#byEnv.values())
      for (const connection of set) {
        // A revoked token's stream ends here; its reconnect then gets 401 and stops.
        if (revoked.has(connection.tokenId)) connection.end();
        else connection.write(HEARTBEAT);
      }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
