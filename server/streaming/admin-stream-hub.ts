import type { ServerResponse } from "node:http";
import type { CommittedAudit } from "../kernel/change/change-bus.js";
import type { AppDeps } from "../kernel/deps.js";
import { SseConnection } from "./sse-connection.js";
import { SSE_HEADERS, sseEvent } from "./sse-event.js";
import { SseHub, type StreamOptions } from "./sse-hub.js";

/** What an admin stream's `change` event carries: who did what to which flag, and when. */
export interface AdminChange {
  at: string;
  actor: string;
  action: string;
  flagKey: string | null;
  environment: string | null;
}

/** Admin streams span every environment: they share one registry key. */
const ALL = "*";

const DEFAULTS: Required<StreamOptions> = {
  heartbeatMs: 15_000,
  retryMs: 2_000,
  maxBacklogBytes: 256 * 1024,
};

/**
 * Committed audit events, live, for the dashboard: one `change` event per audit event of any
 * environment, committed by this instance or any other on the same PostgreSQL (the bus's
 * `onAuditAnywhere`: once each, in id order), with only who, what, which flag and when (no
 * before/after, no detail), so the payload stays small and nothing secret-bearing can ride along.
 * The dashboard re-reads what it shows when one arrives. An event's id is its audit event's id
 * (`ready` carries the last one seen); a reconnecting client re-reads everything anyway, so there
 * is no catch-up.
 */
export class AdminStreamHub extends SseHub<SseConnection> {
  constructor(private readonly deps: AppDeps) {
    super(deps, (c) => c, "admin stream", DEFAULTS);
    deps.bus.onAuditAnywhere((event) => this.#broadcast(event));
  }

  /** Takes over `res` as an admin stream: `retry:`, then `ready`, then a `change` per audit event. */
  attach(tokenId: string, res: ServerResponse, headers: Record<string, string> = {}): void {
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    const connection = new SseConnection(ALL, tokenId, res, this.options.maxBacklogBytes, (c) =>
      this.streams.remove(ALL, c),
    );
    this.streams.add(ALL, connection);
    const last = this.deps.audits.last;
    const ready = sseEvent("ready", last, JSON.stringify({ at: new Date().toISOString() }));
    connection.open([this.retry, ready], last);
  }

  #broadcast(event: CommittedAudit): void {
    const { id } = event;
    const set = this.streams.in(ALL);
    if (!set || set.size === 0) return;
    const data: AdminChange = {
      at: new Date(event.at).toISOString(),
      actor: event.actor,
      action: event.action,
      flagKey: event.flagKey,
      environment: event.environment,
    };
    const framed = sseEvent("change", id, JSON.stringify(data));
    for (const connection of set) connection.send(id, framed);
  }
}
