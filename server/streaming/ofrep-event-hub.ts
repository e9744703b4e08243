import type { ServerResponse } from "node:http";
import type { PublishedChange } from "../kernel/change/change-bus.js";
import type { AppDeps } from "../kernel/deps.js";
import { SseConnection } from "./sse-connection.js";
import { SSE_HEADERS } from "./sse-event.js";
import { SseHub, type StreamOptions } from "./sse-hub.js";

const DEFAULTS: Required<StreamOptions> = {
  heartbeatMs: 15_000,
  retryMs: 2_000,
  maxBacklogBytes: 64 * 1024,
};

/**
 * OFREP's change notifications (ADR-0008): an unnamed SSE message
 * `{"type":"refetchEvaluation","etag":"…"}` per committed change of the environment, after which
 * an OpenFeature web provider re-posts its bulk evaluation. Nothing evaluated rides on the stream,
 * so it carries no context and one frame serves every client of the environment. Event ids are the
 * environment's revision: a client reconnecting with an older `Last-Event-ID` is told to refetch
 * at once, so a change during the gap is not missed.
 */
export class OfrepEventHub extends SseHub<SseConnection> {
  constructor(private readonly deps: AppDeps) {
    super(deps, (c) => c, "OFREP event stream", DEFAULTS);
    deps.bus.subscribe((change) => this.#broadcast(change));
  }

  /** Takes over `res`; false when the environment does not exist (nothing written). */
  attach(
    environment: string,
    tokenId: string,
    lastEventId: string | undefined,
    res: ServerResponse,
    headers: Record<string, string> = {},
  ): boolean {
    const snapshot = this.deps.snapshots.get(environment);
    if (!snapshot) return false;
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    const connection = new SseConnection(environment, tokenId, res, this.options.maxBacklogBytes, (c) =>
      this.streams.remove(environment, c),
    );
    this.streams.add(environment, connection);
    const seen = lastEventId === undefined ? Number.NaN : Number(lastEventId);
    const missed = Number.isInteger(seen) && seen < snapshot.revision;
    const initial = [this.retry];
    if (missed) initial.push(refetchFrame(snapshot.revision, snapshot.etag));
    connection.open(initial, snapshot.revision);
    return true;
  }

  #broadcast(change: PublishedChange): void {
    const set = this.streams.in(change.environment);
    if (!set || set.size === 0) return;
    const etag = this.deps.snapshots.get(change.environment)?.etag;
    const frame = refetchFrame(change.revision, etag);
    for (const connection of set) connection.send(change.revision, frame);
  }
}

function refetchFrame(revision: number, etag: string | undefined): Buffer {
  const data = JSON.stringify({ type: "refetchEvaluation", ...(etag ? { etag } : {}) });
  return Buffer.from(`id: ${revision}\ndata: ${data}\n\n`);
}
