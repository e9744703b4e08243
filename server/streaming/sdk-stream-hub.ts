import type { ServerResponse } from "node:http";
import type { TokenStore } from "../kernel/auth/token-store.js";
import type { ChangeBus, PublishedChange } from "../kernel/change/change-bus.js";
import type { Db } from "../kernel/db/database.js";
import type { SnapshotView } from "../kernel/snapshot/environment-snapshot.js";
import type { Snapshots } from "../kernel/snapshot/snapshots.js";
import { publishedEvent } from "./change-events.js";
import { missedEvents } from "./missed-events.js";
import { SseConnection } from "./sse-connection.js";
import { SSE_HEADERS, sseEvent } from "./sse-event.js";
import { SseHub, type StreamOptions } from "./sse-hub.js";

export type { StreamOptions };

export interface StreamHubDeps {
  db: Db;
  bus: ChangeBus;
  tokens: TokenStore;
  snapshots: Snapshots;
  log: (message: string, error?: unknown) => void;
}

/** The snapshot framed as the stream's `put` event: once per revision, for every connecting client. */
const PUT: SnapshotView<Buffer> = {
  name: "sdk stream put",
  build: (snapshot) => sseEvent("put", snapshot.revision, snapshot.json),
};

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
export class StreamHub extends SseHub<SseConnection> {
  constructor(private readonly deps: StreamHubDeps) {
    super(deps, (c) => c, "stream", DEFAULTS);
    deps.bus.subscribe((change) => this.#broadcast(change));
    // Too far behind to catch up change by change: the clients reconnect and get a `put`.
    deps.bus.onReset((environment) => {
      for (const connection of this.streams.in(environment) ?? []) connection.end();
    });
  }

  /** The environments' current snapshots (one per revision, shared with every other reader). */
  get snapshots(): Snapshots {
    return this.deps.snapshots;
  }

  connectionsIn(environment: string): number {
    return this.streams.sizeIn(environment);
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
    res.writeHead(200, SSE_HEADERS);
    const connection = new SseConnection(environment, tokenId, res, this.options.maxBacklogBytes, (c) =>
      this.streams.remove(c.environment, c),
    );
    this.streams.add(environment, connection);

    const snapshot = this.snapshots.get(environment);
    if (!snapshot) {
      connection.end();
      return true;
    }
    if (lastEventId === undefined) {
      connection.open([this.retry, snapshot.view(PUT)], snapshot.revision);
      return true;
    }
    // The change log is in the store (shared by every instance); live changes queue meanwhile.
    // A client may be ahead of this instance: it saw a revision on another instance that this
    // one's feed has not applied yet. When the store has that revision, the client already holds
    // everything up to it: start there, so the feed's later publish of it is not sent twice.
    const ahead = lastEventId > snapshot.revision;
    const from = ahead ? snapshot.revision : lastEventId;
    const until = ahead ? lastEventId : snapshot.revision;
    missedEvents(this.deps.db, environment, from, until).then(
      (missed) =>
        ahead && missed
          ? connection.open([this.retry], lastEventId)
          : connection.open([this.retry, ...(missed ?? [snapshot.view(PUT)])], snapshot.revision),
      (error) => {
        this.deps.log("the change log could not be read; sending the whole set", error);
        connection.open([this.retry, snapshot.view(PUT)], snapshot.revision);
      },
    );
    return true;
  }

  #broadcast(change: PublishedChange): void {
    const set = this.streams.in(change.environment);
    if (!set || set.size === 0) return;
    const event = publishedEvent(change);
    for (const connection of set) connection.send(change.revision, event);
  }
}
