import type { FetchLike } from "eventsource";

/** The part of an EventSource the SDK uses. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

/**
 * An EventSource constructor that accepts a `fetch` (as the `eventsource` package does), which the
 * SDK uses to send its token, its `Last-Event-ID` and to watch the connection for silence.
 */
export type EventSourceConstructor = new (url: string, init: { fetch: FetchLike }) => EventSourceLike;
