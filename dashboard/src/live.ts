import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { readToken } from "./session";

/**
 * Keeping the open page current. This module alone decides *when* data is read again.
 *
 * While the admin event stream (`GET /api/admin/stream`) is open, every committed change (a REST
 * write anywhere, a guard rollback, a plan step, a schedule) arrives as a `change` event, and the
 * page re-reads what it shows ~100 ms later (events close together are read once). When the stream
 * cannot be opened or breaks, the page falls back to a 2-second poll and reconnects with backoff.
 * Reads marked `ticks` (guard evidence, plan progress: numbers that move without any change) keep
 * the 2-second poll even while the stream is up.
 *
 * The stream is read with `fetch` and a body reader, not EventSource: EventSource cannot send the
 * `Authorization` header, and the admin token must never be put in a URL.
 */
export const LIVE_INTERVAL_MS = 2000;
/** Events within this window are read once. */
export const DEBOUNCE_MS = 100;
/** No byte (not even a heartbeat, sent every 15 s) for this long: the stream is dead. */
const STALL_MS = 45_000;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const STREAM_PATH = "/api/admin/stream";

interface Listener {
  fn: () => void;
  ticks: boolean;
}
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setInterval> | undefined;

// The connection indicator in the header: stream or polling, when data last arrived, and whether
// reads fail.
export type LiveMode = "connecting" | "stream" | "polling";
export interface LiveStatus {
  lastOkAt: number | null;
  failing: boolean;
  mode: LiveMode;
}
let status: LiveStatus = { lastOkAt: null, failing: false, mode: "connecting" };
const statusListeners = new Set<(s: LiveStatus) => void>();
function setStatus(next: Partial<LiveStatus>) {
  status = { ...status, ...next };
  for (const fn of statusListeners) fn(status);
}

const hidden = () => typeof document !== "undefined" && document.hidden;

function tick() {
  if (hidden()) return;
  const streaming = status.mode === "stream";
  for (const l of listeners) if (!streaming || l.ticks) l.fn();
}

function startPoll() {
  if (timer === undefined) timer = setInterval(tick, LIVE_INTERVAL_MS);
}

function stopPoll() {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
}

/** Reads everything on the page again now (after a write of our own). */
export function notify(): void {
  for (const l of listeners) l.fn();
}

// A change event while the tab is hidden is remembered and read when it shows again.
let missedWhileHidden = false;
let debounce: ReturnType<typeof setTimeout> | undefined;
function changed() {
  if (hidden()) {
    missedWhileHidden = true;
    return;
  }
  if (debounce !== undefined) return;
  debounce = setTimeout(() => {
    debounce = undefined;
    notify();
  }, DEBOUNCE_MS);
}

if (typeof document !== "undefined")
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    if (missedWhileHidden || status.mode !== "stream") notify();
    else tick();
    missedWhileHidden = false;
  });

/** Calls `fn` on every change (and on every poll tick while polling) until the returned function is called. */
export function subscribe(fn: () => void, opts: { ticks?: boolean } = {}): () => void {
  const l: Listener = { fn, ticks: opts.ticks === true };
  listeners.add(l);
  startPoll();
  openStream();
  return () => {
    listeners.delete(l);
    if (listeners.size === 0) stopPoll();
  };
}

// --- The admin event stream -------------------------------------------------------------------

let stream: AbortController | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;

/** One parsed SSE event. */
interface SseMessage {
  event: string;
  data: string;
}

/** Splits an SSE byte stream into events (comments and `retry:` are skipped; CRLF is accepted). */
export function sseParser(onEvent: (m: SseMessage) => void) {
  let buffer = "";
  return (text: string) => {
    buffer += text.replace(/\r\n?/g, "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length > 0) onEvent({ event, data: data.join("\n") });
    }
  };
}

function openStream() {
  if (stream || retryTimer !== undefined || typeof fetch === "undefined") return;
  const token = readToken();
  if (!token) return;
  const controller = new AbortController();
  stream = controller;
  let stall: ReturnType<typeof setTimeout> | undefined;
  const alive = () => {
    clearTimeout(stall);
    stall = setTimeout(() => controller.abort(), STALL_MS);
  };
  const reconnected = failures > 0;
  const run = async () => {
    alive();
    const res = await fetch(STREAM_PATH, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      cache: "no-store",
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw new Error(`admin stream: HTTP ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const feed = sseParser((m) => {
      if (m.event === "ready") {
        failures = 0;
        setStatus({ mode: "stream", failing: false, lastOkAt: Date.now() });
        // Whatever changed while we were not connected is read once now.
        if (reconnected) changed();
      } else if (m.event === "change") {
        setStatus({ lastOkAt: Date.now() });
        changed();
      }
    });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      alive();
      feed(value);
    }
  };
  run()
    .catch(() => {})
    .finally(() => {
      clearTimeout(stall);
      if (stream !== controller) return; // stopped on purpose
      stream = undefined;
      // Back to polling until the stream is up again; every tick reads everything meanwhile.
      failures++;
      setStatus({ mode: "polling" });
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1));
      retryTimer = setTimeout(
        () => {
          retryTimer = undefined;
          openStream();
        },
        delay * (0.8 + Math.random() * 0.4),
      );
    });
}

/** Closes the stream (sign-out); the next subscription after signing in opens it again. */
export function stopLive(): void {
  const s = stream;
  stream = undefined;
  s?.abort();
  clearTimeout(retryTimer);
  retryTimer = undefined;
  failures = 0;
  setStatus({ mode: "connecting", failing: false, lastOkAt: null });
}

export function useLiveStatus(): LiveStatus {
  const [s, setS] = useState(status);
  useEffect(() => {
    statusListeners.add(setS);
    setS(status);
    return () => {
      statusListeners.delete(setS);
    };
  }, []);
  return s;
}

export interface Live<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Reads again now. */
  reload: () => void;
}

/**
 * Data that follows the server: loaded when `deps` change, then again on every change (or poll
 * tick). `ticks`: also on every 2 s tick while the stream is up, for numbers that move without a
 * change (guard evidence, plan progress). A read asked for while one is under way runs once more
 * after it; changing `deps` aborts the read in flight.
 */
export function useLive<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  opts: { ticks?: boolean } = {},
): Live<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const inFlight = useRef<AbortController | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const ticks = opts.ticks === true;

  // A change announced while a read is under way may have committed after that read was answered:
  // it is read once more when the current read ends.
  const again = useRef(false);
  const run = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    again.current = false;
    const controller = new AbortController();
    inFlight.current = controller;
    const done = () => {
      inFlight.current = null;
      if (again.current) run();
    };
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setLoading(false);
        setStatus({ lastOkAt: Date.now(), failing: false });
        done();
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setLoading(false);
        setStatus({ failing: true });
        done();
      },
    );
  }, []);
  useEffect(() => {
    setData(undefined);
    setLoading(true);
    run();
    const unsubscribe = subscribe(run, { ticks });
    return () => {
      unsubscribe();
      inFlight.current?.abort();
      inFlight.current = null;
      again.current = false;
    };
  }, deps);

  const reload = useCallback(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    again.current = false;
    run();
  }, [run]);

  return { data, error, loading, reload };
}
