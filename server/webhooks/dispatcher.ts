import { randomUUID } from "node:crypto";
import type { AppDeps } from "../kernel/deps.js";
import { DeliveryLog } from "./delivery-log.js";
import { eventMatches } from "./event-match.js";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.js";
import { signingSecrets, type WebhookRow, webhooksOf } from "./webhook-commands.js";

export interface WebhookOptions {
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Attempts after the first one (default 5). */
  retries?: number;
  /** The first back-off, doubled on every retry (default 500 ms: 0.5, 1, 2, 4, 8 s). */
  baseDelayMs?: number;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
}

/** What is sent: `type` names the event; the other fields go into the JSON body as they are. */
export interface WebhookEvent {
  type: string;
  flagKey?: string | null;
  [field: string]: unknown;
}

export interface Delivery {
  webhookId: string;
  url: string;
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

const DEFAULTS = { retries: 5, baseDelayMs: 500, timeoutMs: 5000 };

class Stopped extends Error {}

/**
 * Sends events to an environment's webhooks: a JSON POST per webhook, retried with exponential
 * back-off on network errors, timeouts, 408, 429 and 5xx (another 4xx is the receiver's final word).
 * Sending never blocks and never throws: callers fire and forget after their commit. Every
 * delivery of one event carries the same `id` (also in `X-Rollguard-Delivery`), so a receiver can
 * drop the duplicates that retries may cause. Every attempt is signed afresh (`Rollguard-Signature`,
 * see signature.ts) with the secrets the webhook had when the event was sent.
 */
export class WebhookDispatcher {
  #options: Required<Omit<WebhookOptions, "fetch">> & { fetch?: typeof fetch };
  readonly #pending = new Set<Promise<unknown>>();
  #abort = new AbortController();
  /** The latest deliveries per webhook, for GET /api/webhooks/{id}/deliveries. */
  readonly deliveries = new DeliveryLog();

  constructor(
    private readonly deps: Pick<AppDeps, "db" | "clock" | "log" | "logger">,
    options: WebhookOptions = {},
  ) {
    this.#options = { ...DEFAULTS };
    this.configure(options);
  }

  configure(options: WebhookOptions): void {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.#options = { ...this.#options, ...defined };
  }

  /**
   * Starts delivering `event` to every webhook of `environment` subscribed to it. The webhooks are
   * read now; the returned promise (for tests) settles when every delivery succeeded or gave up.
   */
  async send(environment: string, event: WebhookEvent): Promise<Delivery[]> {
    let targets: WebhookRow[];
    // Counted as pending from the start, so `idle` also waits for the read of the webhooks.
    let readDone!: () => void;
    const reading = new Promise<void>((r) => (readDone = r));
    this.#pending.add(reading);
    try {
      targets = (await webhooksOf(this.deps.db, environment)).filter((w) =>
        eventMatches(w.events, event.type),
      );
    } catch (error) {
      this.deps.log(`webhooks of ${environment} could not be read; ${event.type} not sent`, error);
      return [];
    } finally {
      this.#pending.delete(reading);
      readDone();
    }
    // A webhook without a secret could only send unsigned deliveries, which receivers must refuse:
    // send it nothing and say so (the migrations give every webhook a secret; this is the backstop).
    for (const w of targets.filter((t) => t.secret === ""))
      this.deps.logger.error(
        { webhookId: w.id, event: event.type },
        `webhook ${w.id} has no signing secret; ${event.type} not sent: rotate its secret (POST /api/webhooks/${w.id}/rotate-secret)`,
      );
    targets = targets.filter((t) => t.secret !== "");
    if (targets.length === 0) return [];
    const id = randomUUID();
    const body = JSON.stringify({
      ...event,
      id,
      type: event.type,
      environment,
      at: new Date(this.deps.clock.now()).toISOString(),
    });
    const all = Promise.all(targets.map((w) => this.#deliver(w, event.type, id, body)));
    this.#pending.add(all);
    void all.finally(() => this.#pending.delete(all));
    return all;
  }

  /** Settles when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Waits up to `graceMs` for deliveries in flight, then abandons the rest (with a log line). */
  async stop(graceMs = 1000): Promise<void> {
    if (this.#pending.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.idle(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    if (this.#pending.size > 0)
      this.deps.logger.warn(`stopping with ${this.#pending.size} webhook event(s) undelivered`);
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  async #deliver(webhook: WebhookRow, type: string, id: string, body: string): Promise<Delivery> {
    const { retries, baseDelayMs, timeoutMs } = this.#options;
    const doFetch = this.#options.fetch ?? fetch;
    const stop = this.#abort.signal;
    const { id: webhookId, url } = webhook;
    const secrets = signingSecrets(webhook, this.deps.clock.now());
    const record = this.deliveries.start(webhookId, id, type, this.deps.clock.now());
    let last: Delivery = { webhookId, url, ok: false, attempts: 0 };
    const note = (state: "pending" | "delivered" | "failed") =>
      Object.assign(record, {
        state,
        attempts: last.attempts,
        status: last.status ?? null,
        error: last.error ?? null,
      });
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        try {
          await sleep(baseDelayMs * 2 ** (attempt - 1), stop);
        } catch {
          note("failed");
          return last;
        }
      }
      last = { webhookId, url, ok: false, attempts: attempt + 1 };
      note("pending");
      try {
        const res = await doFetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "rollguard-webhooks/0.1",
            "x-rollguard-event": type,
            "x-rollguard-delivery": id,
            [SIGNATURE_HEADER]: signatureHeader(secrets, this.deps.clock.now(), body),
          },
          body,
          signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
        });
        await res.body?.cancel().catch(() => {});
        last.status = res.status;
        if (res.ok) {
          last.ok = true;
          note("delivered");
          return last;
        }
        if (!(res.status === 408 || res.status === 429 || res.status >= 500)) break;
      } catch (error) {
        if (stop.aborted) {
          note("failed");
          return last;
        }
        last.error = error instanceof Error ? error.message : String(error);
      }
    }
    note("failed");
    // An operator's event, not a server fault: the receiver is down or refused.
    this.deps.logger.warn(
      {
        webhookId,
        event: type,
        delivery: id,
        attempts: last.attempts,
        status: last.status,
        error: last.error,
      },
      `webhook ${new URL(url).origin} gave up on ${type} after ${last.attempts} attempt(s): ${last.error ?? `HTTP ${last.status}`}`,
    );
    return last;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Stopped());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Stopped());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const dispatchers = new WeakMap<object, WebhookDispatcher>();

/** The dispatcher of one server (one set of deps), made on first use. */
export function webhookDispatcherOf(deps: AppDeps): WebhookDispatcher {
  let d = dispatchers.get(deps);
  if (!d) {
    d = new WebhookDispatcher(deps);
    dispatchers.set(deps, d);
  }
  return d;
}

/**
 * Fire and forget: POSTs `event` to the environment's webhooks subscribed to `event.type`, after
 * the caller's commit. Never throws; the promise (which never rejects) is for tests.
 * E.g. `sendWebhooks(deps, "production", { type: "plan.advanced", flagKey, percentage: 10 })`.
 */
export function sendWebhooks(deps: AppDeps, environment: string, event: WebhookEvent): Promise<Delivery[]> {
  return webhookDispatcherOf(deps).send(environment, event);
}
