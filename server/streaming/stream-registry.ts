import type { TokenStore } from "../kernel/auth/token-store.js";
import type { SseConnection } from "./sse-connection.js";
import { HEARTBEAT } from "./sse-event.js";

export interface StreamStats {
  open: number;
  opened: number;
  closed: number;
}

export interface RegistryDeps {
  tokens: TokenStore;
  log: (message: string, error?: unknown) => void;
}

/**
 * The open streams of one hub, per environment, and their heartbeat. A revoked token's streams are
 * ended as soon as the revocation's audit event reaches this instance (`tokens.onRevoked`, whichever
 * instance revoked it); revoking publishes no change, so an open stream would otherwise live on.
 * Its reconnect then gets 401 and stops. The heartbeat checks for revoked tokens too, as the
 * fallback for a revocation this instance did not hear of (a lost notification connection).
 */
export class StreamRegistry<T> {
  readonly #byEnv = new Map<string, Set<T>>();
  #count = 0;
  #opened = 0;
  #closed = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly deps: RegistryDeps,
    private readonly connectionOf: (stream: T) => SseConnection,
    private readonly name: string,
  ) {
    deps.tokens.onRevoked((tokenId) => this.#endToken(tokenId));
  }

  #endToken(tokenId: string): void {
    for (const set of this.#byEnv.values())
      for (const stream of [...set]) {
        const connection = this.connectionOf(stream);
        if (connection.tokenId === tokenId) connection.end();
      }
  }

  get size(): number {
    return this.#count;
  }

  /** Streams open now, and opened and closed (dropped, ended or gone) since start. */
  stats(): StreamStats {
    return { open: this.#count, opened: this.#opened, closed: this.#closed };
  }

  sizeIn(environment: string): number {
    return this.#byEnv.get(environment)?.size ?? 0;
  }

  in(environment: string): ReadonlySet<T> | undefined {
    return this.#byEnv.get(environment);
  }

  add(environment: string, stream: T): void {
    const set = this.#byEnv.get(environment) ?? new Set();
    this.#byEnv.set(environment, set);
    set.add(stream);
    this.#count++;
    this.#opened++;
  }

  remove(environment: string, stream: T): void {
    if (this.#byEnv.get(environment)?.delete(stream)) {
      this.#count--;
      this.#closed++;
    }
  }

  /** (Re)starts the heartbeat; it never keeps the process alive. */
  startHeartbeat(intervalMs: number): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => void this.#beat(), intervalMs);
    this.#heartbeat.unref();
  }

  /** Stops the heartbeat and ends every stream, so the HTTP server can close at once. */
  stop(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const set of this.#byEnv.values()) for (const s of set) this.connectionOf(s).end();
  }

  async #beat(): Promise<void> {
    if (this.#count === 0) return;
    let revoked = new Set<string>();
    try {
      revoked = new Set((await this.deps.tokens.list()).filter((t) => t.revoked).map((t) => t.id));
    } catch (error) {
      this.deps.log(`${this.name} heartbeat could not read tokens`, error);
    }
    for (const set of this.#byEnv.values())
      for (const stream of set) {
        const connection = this.connectionOf(stream);
        if (revoked.has(connection.tokenId)) connection.end();
        else connection.write(HEARTBEAT);
      }
  }
}
