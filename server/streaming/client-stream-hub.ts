import type { ServerResponse } from "node:http";
import { type EvaluationContext, evaluateFlag } from "../../sdk/core/index.js";
import {
  clientAnswer,
  clientFragment,
  flagList,
  fragmentCache,
  removedFragment,
} from "../evaluation/index.js";
import { isFlagChange, type PublishedChange } from "../kernel/change/change-bus.js";
import type { AppDeps } from "../kernel/deps.js";
import { SseConnection } from "./sse-connection.js";
import { SSE_HEADERS, sseEvent } from "./sse-event.js";
import { SseHub, type StreamOptions } from "./sse-hub.js";

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
export class ClientStreamHub extends SseHub<ClientStream> {
  constructor(private readonly deps: AppDeps) {
    super(deps, (s) => s.connection, "client stream", DEFAULTS);
    deps.bus.subscribe((change) => this.#onChange(change));
    // Too far behind to catch up change by change: the browsers reconnect and get a `put`.
    deps.bus.onReset((environment) => {
      for (const stream of this.streams.in(environment) ?? []) stream.connection.end();
    });
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
      connection: new SseConnection(environment, tokenId, res, this.options.maxBacklogBytes, () =>
        this.streams.remove(environment, stream),
      ),
    };
    this.streams.add(environment, stream);
    // Nothing below awaits, so no change can slip in between reading the flags and registering.
    const list = flagList(snapshot, true);
    snapshot.usage.markFlags(list.flags);
    const answer = clientAnswer(list, context, "", (f, i) => stream.sent.set(list.flags[i]!.key, f.text));
    const put = sseEvent("put", snapshot.revision, answer.body);
    stream.connection.open([this.retry, put], snapshot.revision);
    return true;
  }

  /**
   * The flags whose results may change: the changed flag itself (even when it is gone or no longer
   * visible, so browsers drop it), the flags that reference a changed segment, and the flags
   * that have any of those as a prerequisite. Each stream gets one patch with those of its
   * results that changed.
   */
  #onChange(change: PublishedChange): void {
    const set = this.streams.in(change.environment);
    if (!set || set.size === 0) return;
    const store = this.deps.snapshots.get(change.environment)?.store;
    if (!store) return;
    const keys = isFlagChange(change)
      ? store.affectedBy({ flags: [change.flagKey] })
      : store.affectedBy({ segments: [change.segmentKey] });
    if (isFlagChange(change) && !keys.includes(change.flagKey)) keys.unshift(change.flagKey);
    const targets = keys.map((key) => {
      const flag = store.get(key);
      const visible = flag !== undefined && flag.config.clientVisible === true;
      return {
        key,
        flag: visible ? flag : undefined,
        cache: visible ? fragmentCache(flag) : undefined,
        removed: removedFragment(key).text,
      };
    });
    const framed = new Map<string, Buffer>();
    const frame = (text: string) => {
      let event = framed.get(text);
      if (!event) {
        event = sseEvent("patch", change.revision, `{"flags":{${text}}}`);
        framed.set(text, event);
      }
      return event;
    };
    for (const stream of set) {
      try {
        const texts: string[] = [];
        for (const t of targets) {
          const f = t.flag
            ? clientFragment(t.flag, evaluateFlag(t.flag, stream.context, store), t.cache)
            : removedFragment(t.key);
          // A flag the stream never had is as good as removed: no null for it.
          if ((stream.sent.get(t.key) ?? t.removed) === f.text) continue;
          if (t.flag) stream.sent.set(t.key, f.text);
          else stream.sent.delete(t.key);
          texts.push(f.text);
        }
        if (texts.length > 0) stream.connection.send(change.revision, frame(texts.join(",")));
      } catch (error) {
        this.deps.log("client stream: a change could not be sent", error);
        stream.connection.drop();
      }
    }
  }
}
