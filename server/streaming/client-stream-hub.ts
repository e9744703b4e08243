import type { ServerResponse } from "node:http";
import { type EvaluationContext, evaluateFlag } from "../../sdk/core/index.js";
import {
  clientAnswer,
  clientFragment,
  type Fragment,
  flagList,
  fragmentCache,
  removedFragment,
} from "../evaluation/index.js";
import type { PublishedChange } from "../kernel/change/change-bus.js";
import { definedOnly } from "../kernel/defined-only.js";
import type { AppDeps } from "../kernel/deps.js";
import type { StreamOptions } from "./sdk-stream-hub.js";
import { SseConnection } from "./sse-connection.js";
import { retryHint, SSE_HEADERS, sseEvent } from "./sse-event.js";
import { StreamRegistry, type StreamStats } from "./stream-registry.js";

/** One browser's stream: its context and the result it last received for each flag. */
interface ClientStream {
  connection: SseConnection;
  context: EvaluationContext;
  sent: Map<string, string>;
}

const DEFAULTS: Required<StreamOptions> = {
  heartbeatMs: 15_000,
  retryMs: 2_000,
  maxBacklogBytes: 256 * 1024,
};

/**
 * Live values for browsers. Each stream starts with a `put` of every client-visible flag for its
 * context; after a change it gets a `patch` with only the results that changed for that context
 * (a flag that disappeared or stopped being visible is sent as null). The change is evaluated
 * once per stream, and equal results share one framed Buffer, so a change costs one evaluation
 * and one write per browser. The SSE connection (bounded backlog, clean close) is the stream
 * hub's own `SseConnection`.
 */
export class ClientStreamHub {
  readonly #streams: StreamRegistry<ClientStream>;
  #options = DEFAULTS;

  constructor(private readonly deps: AppDeps) {
    this.#streams = new StreamRegistry(deps, (s) => s.connection, "client stream");
    deps.bus.subscribe((change) => this.#onChange(change));
  }

  /** Connections open now, and opened and closed since start (for logs and /metrics). */
  stats(): StreamStats {
    return this.#streams.stats();
  }

  get connections(): number {
    return this.#streams.size;
  }

  start(options: StreamOptions = {}): () => void {
    this.#options = { ...DEFAULTS, ...definedOnly(options) };
    this.#streams.startHeartbeat(this.#options.heartbeatMs);
    return () => this.stop();
  }

  stop(): void {
    this.#streams.stop();
  }

  /** Takes over `res` as the stream of `context`; false (and `res` untouched) for an unknown environment. */
  attach(
    environment: string,
    tokenId: string,
    context: EvaluationContext,
    res: ServerResponse,
    headers: Record<string, string>,
  ): boolean {
    const snapshot = this.deps.snapshots.get(environment);
    if (!snapshot) return false;
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    const stream: ClientStream = {
      context,
      sent: new Map(),
      connection: new SseConnection(environment, tokenId, res, this.#options.maxBacklogBytes, () =>
        this.#streams.remove(environment, stream),
      ),
    };
    this.#streams.add(environment, stream);
    // Nothing below awaits, so no change can slip in between reading the flags and registering.
    const list = flagList(snapshot, true);
    snapshot.usage.markFlags(list.flags);
    const answer = clientAnswer(list, context, "", (f, i) => stream.sent.set(list.flags[i]!.key, f.text));
    const put = sseEvent("put", snapshot.revision, answer.body);
    stream.connection.open([retryHint(this.#options.retryMs), put], snapshot.revision);
    return true;
  }

  #onChange(change: PublishedChange): void {
    const set = this.#streams.in(change.environment);
    if (!set || set.size === 0) return;
    const flag = this.deps.snapshots.get(change.environment)?.store.get(change.flagKey);
    const visible = flag !== undefined && flag.config.clientVisible === true;
    const removed = removedFragment(change.flagKey);
    const cache = visible ? fragmentCache(flag) : undefined;
    const framed = new Map<string, Buffer>();
    const frame = (f: Fragment) => {
      let event = framed.get(f.text);
      if (!event) {
        event = sseEvent("patch", change.revision, `{"flags":{${f.text}}}`);
        framed.set(f.text, event);
      }
      return event;
    };
    for (const stream of set) {
      try {
        const f = visible ? clientFragment(flag, evaluateFlag(flag, stream.context), cache) : removed;
        if ((stream.sent.get(change.flagKey) ?? removed.text) === f.text) continue;
        if (visible) stream.sent.set(change.flagKey, f.text);
        else stream.sent.delete(change.flagKey);
        stream.connection.send(change.revision, frame(f));
      } catch (error) {
        this.deps.log("client stream: a change could not be sent", error);
        stream.connection.drop();
      }
    }
  }
}
