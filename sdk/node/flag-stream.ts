import type { FetchLike } from "eventsource";
import type { FlagSet } from "../core/index.js";
import type { EventSourceConstructor, EventSourceLike } from "./event-source-like.js";
import { asFlagSet, asStreamChange, type StreamChange } from "./flag-set-shape.js";
import { RollguardError } from "./rollguard-error.js";
import type { TimerHandle, Timers } from "./timers.js";

export interface StreamHandlers {
  /** The server accepted the connection (200, text/event-stream). */
  onOpen(): void;
  onPut(set: FlagSet): void;
  /** Returns false when the change does not follow what the client has (a gap): the stream restarts. */
  onChange(change: StreamChange, revision: number): boolean;
  /** The connection ended or could not open; called once, after which the stream is dead. */
  onEnd(error: RollguardError, wasOpen: boolean): void;
}

export interface StreamOptions {
  url: string;
  token: string;
  fetch: typeof fetch;
  EventSource: EventSourceConstructor;
  timers: Timers;
  /** The revision the client has from this server; sent as `Last-Event-ID` to get only what it missed. */
  lastEventId: number | undefined;
  readTimeoutMs: number;
}

/**
 * One SSE connection to `/api/sdk/stream`, with no retries of its own: the EventSource is closed on
 * its first error and `onEnd` reports why, so the caller owns backoff and 401/403 handling. The
 * injected fetch adds the token and `Last-Event-ID`, and watches the body so that a connection
 * silent for longer than `readTimeoutMs` (no heartbeat) is ended as dead.
 */
export class FlagStream {
  #source: EventSourceLike | undefined;
  #ended = false;
  #open = false;
  #status: number | undefined;
  #lastActivity: number;
  #watchdog: TimerHandle | undefined;

  constructor(
    private readonly o: StreamOptions,
    private readonly handlers: StreamHandlers,
  ) {
    this.#lastActivity = o.timers.now();
    try {
      const source = new o.EventSource(`${o.url}/api/sdk/stream`, { fetch: this.#fetch });
      this.#source = source;
      source.addEventListener("open", () => this.#opened());
      source.addEventListener("put", (e) => this.#onPut(e));
      source.addEventListener("patch", (e) => this.#onChange(e, "patch"));
      source.addEventListener("delete", (e) => this.#onChange(e, "delete"));
      source.addEventListener("error", (e) => this.#onError(e));
    } catch (error) {
      this.#end(RollguardError.from(error, "INTERNAL", "could not open the stream"));
      return;
    }
    this.#watch();
  }

  /** Closes the connection without reporting an end. */
  close(): void {
    this.#ended = true;
    this.#teardown();
  }

  readonly #fetch: FetchLike = async (input, init) => {
    const headers = new Headers(init.headers as HeadersInit);
    headers.set("authorization", `Bearer ${this.o.token}`);
    if (this.o.lastEventId !== undefined) headers.set("last-event-id", String(this.o.lastEventId));
    const res = await this.o.fetch(input, { ...(init as RequestInit), headers });
    this.#status = res.status;
    if (res.status !== 200 || !res.body) {
      // Nobody reads an error body here; release its connection now rather than at GC.
      await res.body?.cancel().catch(() => {});
      return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    this.#touch();
    const touch = () => this.#touch();
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          touch();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  #touch(): void {
    this.#lastActivity = this.o.timers.now();
  }

  #watch(): void {
    if (this.#ended) return;
    const idle = this.o.timers.now() - this.#lastActivity;
    if (idle >= this.o.readTimeoutMs) {
      this.#end(new RollguardError("NETWORK", `the stream was silent for ${idle} ms`));
      return;
    }
    this.#watchdog = this.o.timers.setTimeout(() => this.#watch(), this.o.readTimeoutMs - idle);
  }

  #opened(): void {
    if (this.#ended) return;
    this.#open = true;
    this.handlers.onOpen();
  }

  #onPut(event: MessageEvent): void {
    if (this.#ended) return;
    const set = asFlagSet(parse(event.data));
    if (set) this.handlers.onPut(set);
    else this.#end(new RollguardError("BAD_DATA", "the stream sent a put that is not a flag set"));
  }

  #onChange(event: MessageEvent, kind: "patch" | "delete"): void {
    if (this.#ended) return;
    const revision = Number(event.lastEventId);
    const data = parse(event.data);
    const change = asStreamChange(kind, data);
    if (!Number.isSafeInteger(revision) || !change) {
      this.#end(new RollguardError("BAD_DATA", `the stream sent a malformed ${kind}`));
      return;
    }
    if (!this.handlers.onChange(change, revision))
      this.#end(new RollguardError("BAD_DATA", `the stream skipped a revision before ${revision}`));
  }

  #onError(event: Event): void {
    if (this.#ended) return;
    const code = (event as Event & { code?: number }).code ?? this.#status;
    const message = (event as Event & { message?: string }).message;
    const error =
      code !== undefined && code !== 200
        ? RollguardError.fromStatus(code, "stream")
        : new RollguardError(
            "NETWORK",
            `stream ${this.#open ? "ended" : "failed"}${message ? `: ${message}` : ""}`,
          );
    this.#end(error);
  }

  #end(error: RollguardError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#teardown();
    this.handlers.onEnd(error, this.#open);
  }

  #teardown(): void {
    if (this.#watchdog !== undefined) this.o.timers.clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    try {
      this.#source?.close();
    } catch {
      // already closed
    }
  }
}

function parse(data: unknown): unknown {
  try {
    return typeof data === "string" ? JSON.parse(data) : undefined;
  } catch {
    return undefined;
  }
}
