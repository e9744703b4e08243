/**
 * Server-Sent Events framing. Every event is framed once into a Buffer and that same Buffer is
 * written to every connection, so a broadcast costs one serialisation, not one per client.
 * `data` must be a single line; JSON.stringify output always is (it escapes CR and LF).
 */
export function sseEvent(event: string, id: number, data: string): Buffer {
  return Buffer.from(`event: ${event}\nid: ${id}\ndata: ${data}\n\n`);
}

/** A comment line: clients ignore it; it keeps proxies from closing an idle stream. */
export const HEARTBEAT = Buffer.from(": ping\n\n");

/** The reconnection delay a browser's EventSource should use (our SDKs run their own backoff). */
export function retryHint(ms: number): Buffer {
  return Buffer.from(`retry: ${Math.max(0, Math.round(ms))}\n\n`);
}

/** The response head of every SSE stream; `x-accel-buffering` keeps proxies from holding events. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-store: a stream carries configuration (flag rules, audit events) that no cache should keep.
  "cache-control": "no-store, no-transform",
  "x-accel-buffering": "no",
} as const;
