import { type ClientRequest, type IncomingMessage, request } from "node:http";

export interface RawSseEvent {
  event: string;
  id: string | undefined;
  data: string;
  /** performance.now() when the event was parsed. */
  at: number;
}

/**
 * A raw SSE reader over node:http for the stream tests: it records every event, comment and the
 * retry hint as they arrive, with no client library in between, so a test sees exactly what the
 * server wrote.
 */
export class RawSseReader {
  readonly events: RawSseEvent[] = [];
  comments = 0;
  retry: number | undefined;
  ended = false;
  status = 0;
  headers: IncomingMessage["headers"] = {};
  body = "";
  #buffer = "";
  #req: ClientRequest | undefined;
  #waiters = new Set<() => void>();

  static open(
    url: string,
    token: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<RawSseReader> {
    const reader = new RawSseReader();
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          headers: {
            accept: "text/event-stream",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
        },
        (res) => {
          reader.status = res.statusCode ?? 0;
          reader.headers = res.headers;
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => reader.feed(chunk));
          res.on("end", () => reader.end());
          res.on("error", () => reader.end());
          res.on("close", () => reader.end());
          resolve(reader);
        },
      );
      reader.#req = req;
      req.on("error", (e) => (reader.status ? reader.end() : reject(e)));
      req.end();
    });
  }

  /** Events of a kind, in order. */
  of(kind: string): RawSseEvent[] {
    return this.events.filter((e) => e.event === kind);
  }

  /** Waits until `predicate` holds (checked on every chunk and at the end). */
  async until(predicate: (r: RawSseReader) => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
    if (predicate(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(this)) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const seen = JSON.stringify(this.events.map((e) => [e.event, e.id]));
        reject(new Error(`timed out waiting for ${what}; events so far: ${seen}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  close(): void {
    this.#req?.destroy();
    this.end();
  }

  private feed(chunk: string): void {
    if (this.status !== 200) {
      this.body += chunk;
      return;
    }
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end < 0) break;
      this.parse(this.#buffer.slice(0, end));
      this.#buffer = this.#buffer.slice(end + 2);
    }
    this.notify();
  }

  private parse(block: string): void {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    let isEvent = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "retry") this.retry = Number(value);
      else if (field === "event") event = value;
      else if (field === "id") id = value;
      else if (field === "data") data.push(value);
      else continue;
      if (field !== "retry") isEvent = true;
    }
    if (isEvent) this.events.push({ event, id, data: data.join("\n"), at: performance.now() });
  }

  private end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.#waiters]) check();
  }
}
