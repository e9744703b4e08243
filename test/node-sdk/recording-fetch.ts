export interface RecordedRequest {
  url: string;
  headers: Headers;
  status: number | undefined;
  /** For the stream: the raw SSE text received so far. */
  body: string;
}

/**
 * A real fetch that records every request the SDK makes (headers, status, and the raw SSE text of
 * streams), with a gate that makes requests fail like an unreachable network. It sits between the
 * SDK and our real server; nothing of the server is mocked.
 */
export function recordingFetch() {
  const requests: RecordedRequest[] = [];
  let open = true;
  const recorded: typeof fetch = async (input, init) => {
    const entry: RecordedRequest = {
      url: String(input),
      headers: new Headers(init?.headers),
      status: undefined,
      body: "",
    };
    requests.push(entry);
    if (!open) throw new TypeError("fetch failed: the test's network gate is closed");
    const res = await fetch(input, init);
    entry.status = res.status;
    if (!res.body || !entry.url.includes("/api/sdk/stream")) return res;
    const decoder = new TextDecoder();
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          entry.body += decoder.decode(chunk, { stream: true });
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return {
    fetch: recorded,
    requests,
    streams: () => requests.filter((r) => r.url.includes("/api/sdk/stream")),
    /** From now on every request fails as if the server were unreachable. */
    cut() {
      open = false;
    },
    restore() {
      open = true;
    },
  };
}

/** The SSE event names in a recorded stream body, in order. */
export function eventNames(body: string): string[] {
  return [...body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]!);
}
