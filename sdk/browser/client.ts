import { backoffDelay } from "../core/backoff.js";
import { base64url, shortHash, stableJson } from "./context-key.js";
import { browserMetrics } from "./metrics.js";
import type {
  ClientEvents,
  ClientOptions,
  Evaluation,
  EvaluationContext,
  FlagResult,
  JsonValue,
  RollguardClient,
} from "./types.js";
import { valueStore } from "./value-store.js";

type Listener = (...args: never[]) => void;

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

function defaultStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // sandboxed frames throw on access
  }
}

/**
 * The browser client. Values arrive evaluated by the server for one context (this bundle holds
 * no evaluation code): first with `POST /api/client/evaluate` (If-None-Match from storage, so a
 * reload usually costs a 304), then live over `GET /api/client/stream` (opened with a
 * short-lived ticket, so the token never goes into a URL). Reads are synchronous
 * from memory. Failures never reach the page: the client keeps what it has, says it is stale,
 * and reconnects with backoff and jitter.
 */
export function createClient(options: ClientOptions): RollguardClient {
  const base = String(options.url).replace(/\/+$/, "");
  const token = options.clientToken;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const Source = options.EventSource ?? globalThis.EventSource;
  const live = options.stream !== false && typeof Source === "function";
  const store = valueStore(options.storage === undefined ? defaultStorage() : options.storage);
  const minMs = options.backoff?.minMs ?? 1000;
  const maxMs = options.backoff?.maxMs ?? 60_000;
  const extensions = options.extensions ?? [];
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const metrics =
    options.metrics === false
      ? undefined
      : browserMetrics(
          (path, body) => doFetch(base + path, { method: "POST", keepalive: true, headers, body }),
          options.metricsIntervalMs ?? 10_000,
        );
  const listeners: Record<keyof ClientEvents, Set<Listener>> = {
    ready: new Set(),
    change: new Set(),
    error: new Set(),
    stale: new Set(),
  };

  let context: EvaluationContext = { ...options.context };
  let flags = new Map<string, FlagResult>();
  let etag: string | null = null;
  let stale = false;
  let isReady = false;
  // Bumped by setContext and close: answers and events of an older generation are dropped.
  let generation = 0;
  let attempt = 0;
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  let settleContext: (() => void) | undefined;

  function emit<E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>) {
    for (const listener of listeners[event])
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        // The page's own listener failed: report it to the page, outside our call stack.
        setTimeout(() => {
          throw error;
        });
      }
  }

  const storageId = () => shortHash(`${base}\n${token}\n${stableJson(context)}`);

  function apply(next: Record<string, FlagResult | null>, full: boolean) {
    const merged = new Map(full ? [] : flags);
    for (const [key, result] of Object.entries(next ?? {}))
      if (result) merged.set(key, result);
      else merged.delete(key);
    const changed = [...new Set([...flags.keys(), ...merged.keys()])].filter(
      (key) => JSON.stringify(flags.get(key)) !== JSON.stringify(merged.get(key)),
    );
    flags = merged;
    if (changed.length > 0) emit("change", changed);
  }

  function settle() {
    if (!isReady) {
      isReady = true;
      resolveReady();
      emit("ready");
    }
    settleContext?.();
    settleContext = undefined;
  }

  function fresh() {
    attempt = 0;
    stale = false;
    store.save(storageId(), { flags: Object.fromEntries(flags), etag });
    settle();
  }

  function markStale(error: Error) {
    emit("error", error);
    if (!stale) {
      stale = true;
      emit("stale");
    }
    settle();
  }

  function stop() {
    generation++;
    clearTimeout(timer);
    source?.close();
    source = undefined;
  }

  function retry(gen: number) {
    clearTimeout(timer);
    timer = setTimeout(
      () => gen === generation && connect(gen),
      backoffDelay(++attempt, minMs, maxMs, Math.random),
    );
  }

  /** Fetches the values; true when the stream may follow. */
  async function load(gen: number): Promise<boolean> {
    try {
      const res = await doFetch(`${base}/api/client/evaluate`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          ...(etag ? { "if-none-match": etag } : {}),
        },
        body: JSON.stringify({ context }),
      });
      if (gen !== generation) return false;
      if (res.status === 304) {
        fresh();
        return true;
      }
      if (!res.ok) {
        const error = new Error(`Rollguard answered ${res.status}: ${await res.text().catch(() => "")}`);
        // A bad token or request will not heal by itself: say so once and stop.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) {
          if (gen === generation) markStale(error);
          return false;
        }
        throw error;
      }
      const body = await res.json();
      if (gen !== generation) return false;
      etag = res.headers.get("etag");
      apply(body.flags, true);
      fresh();
      return true;
    } catch (error) {
      if (gen === generation) {
        markStale(asError(error));
        retry(gen);
      }
      return false;
    }
  }

  /**
   * A short-lived ticket for the stream, asked with the token in a header: EventSource cannot
   * send headers, and the token itself in the URL would be logged by every proxy on the way.
   */
  async function streamTicket(): Promise<string> {
    const res = await doFetch(`${base}/api/client/stream-ticket`, { method: "POST", headers });
    if (!res.ok)
      throw new Error(
        `Rollguard answered ${res.status} for a stream ticket: ${await res.text().catch(() => "")}`,
      );
    return (await res.json()).ticket;
  }

  async function listen(gen: number) {
    let ticket: string;
    try {
      ticket = await streamTicket();
    } catch (error) {
      if (gen !== generation) return;
      markStale(asError(error));
      retry(gen);
      return;
    }
    if (gen !== generation) return;
    const url = `${base}/api/client/stream?ticket=${encodeURIComponent(ticket)}&context=${base64url(JSON.stringify(context))}`;
    const es = new Source(url);
    source = es;
    const onEvent = (full: boolean) => (event: MessageEvent) => {
      if (gen !== generation) return;
      try {
        apply(JSON.parse(event.data).flags, full);
        fresh();
      } catch (error) {
        emit("error", asError(error));
      }
    };
    es.addEventListener("put", onEvent(true));
    es.addEventListener("patch", onEvent(false));
    es.onerror = () => {
      es.close();
      if (gen !== generation) return;
      source = undefined;
      markStale(new Error("the live connection to Rollguard was interrupted; reconnecting"));
      retry(gen);
    };
  }

  async function connect(gen: number) {
    if ((await load(gen)) && live && gen === generation) await listen(gen);
  }

  function useContext(next: EvaluationContext) {
    context = { ...next };
    const saved = store.load(storageId());
    etag = saved?.etag ?? null;
    if (saved) {
      apply(saved.flags, true);
      stale = true;
      // Announced after the caller has had a chance to subscribe.
      queueMicrotask(() => emit("stale"));
    }
  }

  function evaluate<T extends JsonValue>(key: string, defaultValue?: T): Evaluation<T> {
    let out: Evaluation<T>;
    try {
      const r = flags.get(key);
      const mismatch =
        r !== undefined &&
        defaultValue !== undefined &&
        defaultValue !== null &&
        typeof r.value !== typeof defaultValue;
      out = !r
        ? { value: defaultValue as T, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", stale }
        : mismatch
          ? { value: defaultValue as T, reason: "ERROR", errorCode: "TYPE_MISMATCH", stale }
          : {
              ...r,
              value: (r.errorCode && defaultValue !== undefined ? defaultValue : r.value) as T,
              stale,
            };
    } catch {
      out = { value: defaultValue as T, reason: "ERROR", errorCode: "GENERAL", stale };
    }
    for (const extension of extensions)
      try {
        extension.onEvaluate?.(key, out);
      } catch {
        // an extension must not break the page's reads
      }
    return out;
  }

  function flush() {
    try {
      metrics?.flush();
    } catch {
      // outcomes are best effort
    }
    for (const extension of extensions)
      try {
        extension.flush?.();
      } catch {
        // keep flushing the others
      }
  }

  const onHidden = () => document.visibilityState === "hidden" && flush();

  const client: RollguardClient = {
    ready: () => readyPromise,
    get stale() {
      return stale;
    },
    get context() {
      return { ...context };
    },
    isEnabled: (key, defaultValue = false) => evaluate(key, defaultValue).value === true,
    getValue: (key, defaultValue) => evaluate(key, defaultValue).value,
    evaluate,
    all: () => Object.fromEntries(flags),
    setContext(next) {
      try {
        stop();
        const done = new Promise<void>((resolve) => {
          settleContext?.();
          settleContext = resolve;
        });
        useContext(next);
        connect(generation);
        return done;
      } catch (error) {
        emit("error", asError(error));
        return Promise.resolve();
      }
    },
    on(event, listener) {
      listeners[event]?.add(listener);
      return () => listeners[event]?.delete(listener);
    },
    observe(key, outcome) {
      try {
        metrics?.observe(key, flags.get(key)?.arm, !!outcome.ok, outcome.durationMs);
      } catch {
        // never reaches the page
      }
    },
    track(key, name, value) {
      try {
        metrics?.track(key, flags.get(key)?.arm, name, value);
      } catch {
        // never reaches the page
      }
    },
    close() {
      stop();
      flush();
      metrics?.close();
      if (typeof document !== "undefined") {
        document.removeEventListener("visibilitychange", onHidden);
        removeEventListener("pagehide", flush);
      }
      settle();
    },
  };

  try {
    useContext(context);
    if ((extensions.length > 0 || metrics) && typeof document !== "undefined") {
      document.addEventListener("visibilitychange", onHidden);
      addEventListener("pagehide", flush);
    }
    const send = (path: string, body: unknown) =>
      doFetch(base + path, { method: "POST", keepalive: true, headers, body: JSON.stringify(body) }).catch(
        () => {},
      );
    for (const extension of extensions) extension.setup?.({ client, send });
    connect(generation);
  } catch (error) {
    queueMicrotask(() => markStale(asError(error)));
  }
  return client;
}
