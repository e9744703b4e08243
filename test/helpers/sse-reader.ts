/** Reads a Server-Sent Events response in a test: `next()` waits for the next event. */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export async function openSse(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  if (res.ok && res.body) {
    (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = { event: "message", id: undefined as string | undefined, data: [] as string[] };
            for (const line of block.split("\n")) {
              if (line.startsWith("event: ")) fields.event = line.slice(7);
              else if (line.startsWith("id: ")) fields.id = line.slice(4);
              else if (line.startsWith("data: ")) fields.data.push(line.slice(6));
            }
            if (fields.data.length > 0)
              events.push({ event: fields.event, id: fields.id, data: fields.data.join("\n") });
            end = buffer.indexOf("\n\n");
          }
          for (const w of waiters.splice(0)) w();
        }
      } catch {
        // aborted
      }
      ended = true;
      for (const w of waiters.splice(0)) w();
    })();
  }
  return {
    res,
    /** The next event, or undefined when none comes within `ms`. */
    async next(ms = 2000): Promise<SseEvent | undefined> {
      const deadline = Date.now() + ms;
      while (events.length === 0 && !ended && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, deadline - Date.now());
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return events.shift();
    },
    /** Whether the server ended the stream (or it was closed here). */
    ended: () => ended,
    /** Resolves once the stream has ended; false when it is still open after `ms`. */
    async waitEnd(ms = 2000): Promise<boolean> {
      const deadline = Date.now() + ms;
      while (!ended && Date.now() < deadline)
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      return ended;
    },
    close: () => abort.abort(),
  };
}
