import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/**
 * Keeping the open page current. This module alone decides *when* data is read again: today a
 * 2-second poll of whatever the mounted components subscribed; when the server gains an admin
 * event stream (`GET /api/admin/stream`), `start` can open it and call `notify()` per event
 * instead, and no page has to change.
 */
export const LIVE_INTERVAL_MS = 2000;

type Listener = () => void;
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  if (typeof document !== "undefined" && document.hidden) return;
  for (const fn of listeners) fn();
}

function start() {
  if (timer === undefined) timer = setInterval(tick, LIVE_INTERVAL_MS);
}

function stop() {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
}

if (typeof document !== "undefined")
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) tick();
  });

/** Calls `fn` on every live tick until the returned function is called. */
export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  start();
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0) stop();
  };
}

/** Reads everything on the page again now (after a write of our own). */
export function notify(): void {
  for (const fn of listeners) fn();
}

// The connection indicator in the header: when data last arrived, and whether reads fail.
export interface LiveStatus {
  lastOkAt: number | null;
  failing: boolean;
}
let status: LiveStatus = { lastOkAt: null, failing: false };
const statusListeners = new Set<(s: LiveStatus) => void>();
function setStatus(next: LiveStatus) {
  status = next;
  for (const fn of statusListeners) fn(status);
}

export function useLiveStatus(): LiveStatus {
  const [s, setS] = useState(status);
  useEffect(() => {
    statusListeners.add(setS);
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
 * Data that follows the server: loaded when `deps` change, then again on every live tick. A tick
 * while a read is still under way is skipped; changing `deps` aborts the read in flight.
 */
export function useLive<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Live<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const inFlight = useRef<AbortController | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(() => {
    if (inFlight.current) return;
    const controller = new AbortController();
    inFlight.current = controller;
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        inFlight.current = null;
        setData(value);
        setError(undefined);
        setLoading(false);
        setStatus({ lastOkAt: Date.now(), failing: false });
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        inFlight.current = null;
        setError(e);
        setLoading(false);
        setStatus({ ...status, failing: true });
      },
    );
  }, []);
  useEffect(() => {
    setData(undefined);
    setLoading(true);
    run();
    const unsubscribe = subscribe(run);
    return () => {
      unsubscribe();
      inFlight.current?.abort();
      inFlight.current = null;
    };
  }, deps);

  const reload = useCallback(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    run();
  }, [run]);

  return { data, error, loading, reload };
}
