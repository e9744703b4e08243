import type { ServerResponse } from "node:http";

/**
 * One open SSE response. Until its first events (a `put` or the catch-up) are written it queues
 * the live changes it is sent, so a change committed while the connection was being set up is
 * neither lost nor sent twice: `revision` is the last revision written, and anything at or below
 * it is skipped.
 *
 * The backlog (bytes Node holds for this client that the socket has not yet taken) is bounded:
 * a client that stops reading is dropped rather than buffered for without end. It reconnects with
 * `Last-Event-ID` and catches up from the change log.
 */
export class SseConnection {
  revision = -1;
  #queue: Array<{ revision: number; event: Buffer }> | undefined = [];
  #closed = false;

  constructor(
    readonly environment: string,
    readonly tokenId: string,
    private readonly res: ServerResponse,
    private readonly maxBacklogBytes: number,
    private readonly onClose: (connection: SseConnection) => void,
  ) {
    res.on("close", () => this.#closeOnce());
    // A write racing a reset socket reports an error; the close handler does the cleanup.
    res.on("error", () => {});
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes written to this client that it has not received yet. */
  get backlog(): number {
    return this.res.writableLength;
  }

  /** Sends one change, unless this client already has it (or it is queued until `open`). */
  send(revision: number, event: Buffer): void {
    if (revision <= this.revision) return;
    if (this.#queue) {
      this.#queue.push({ revision, event });
      return;
    }
    this.revision = revision;
    this.write(event);
  }

  /** Writes the first events, which bring the client to `revision`, then what queued meanwhile. */
  open(initial: Buffer[], revision: number): void {
    for (const event of initial) this.#writeUnchecked(event);
    this.revision = revision;
    const queued = this.#queue ?? [];
    this.#queue = undefined;
    for (const q of queued) this.send(q.revision, q.event);
  }

  /**
   * Writes unless the client is too far behind, in which case it is dropped. The check runs before
   * the write, so one large event (a big `put`) never drops a client by itself.
   */
  write(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.res.writableLength > this.maxBacklogBytes) {
      this.drop();
      return;
    }
    this.res.write(chunk);
  }

  #writeUnchecked(chunk: Buffer): void {
    if (!this.#closed) this.res.write(chunk);
  }

  /** Cuts the connection at once (slow, dead or revoked client). */
  drop(): void {
    if (this.#closed) return;
    this.#closeOnce();
    this.res.destroy();
  }

  /** Ends the stream cleanly (server shutdown); clients reconnect elsewhere or later. */
  end(): void {
    if (this.#closed) return;
    this.#closeOnce();
    this.res.end();
  }

  #closeOnce(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = undefined;
    this.onClose(this);
  }
}
