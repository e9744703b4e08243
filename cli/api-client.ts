import { CliError, usageError } from "./cli-error.js";
import { EXIT, exitCodeForStatus } from "./exit-codes.js";
import { type HintContext, hintFor } from "./hints.js";

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  ifMatch?: string | number | undefined;
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** A refusal by the API, kept with its problem+json so `--json` callers could inspect it. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    detail: string,
    readonly problem: Record<string, unknown>,
    hint: string | undefined,
  ) {
    super(detail, exitCodeForStatus(status), hint);
  }
}

const TIMEOUT_MS = 30_000;

/** The REST API over fetch: JSON in, JSON out, every failure turned into a CliError. */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token: string | undefined,
    private readonly hintContext: HintContext,
  ) {}

  get<T>(path: string, query?: RequestOptions["query"]) {
    return this.request<T>("GET", path, { query });
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
    let target: URL;
    try {
      target = new URL(this.url.replace(/\/+$/, "") + path);
    } catch {
      throw usageError(
        `${this.url} is not a URL`,
        "give one like http://localhost:4242 (--url, ROLLGUARD_URL)",
      );
    }
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) target.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.ifMatch !== undefined) headers["if-match"] = quoteEtag(opts.ifMatch);

    let res: Response;
    try {
      res = await fetch(target, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach ${this.url}: ${networkReason(error)}`,
        EXIT.unreachable,
        "is the server running? `rollguard serve` starts one; --url or ROLLGUARD_URL points elsewhere",
      );
    }
    const text = await res.text();
    const body = text === "" ? undefined : parseJson(text);
    if (res.ok) {
      if (text !== "" && body === undefined)
        throw new CliError(
          `${this.url} answered ${method} ${path} with something that is not JSON`,
          EXIT.unreachable,
          "is --url the Rollguard server?",
        );
      return { status: res.status, body: body as T, headers: res.headers };
    }
    const problem = isRecord(body) ? body : {};
    const detail =
      typeof problem.detail === "string"
        ? problem.detail
        : `the server answered ${res.status} ${res.statusText || ""}`.trim();
    throw new ApiError(res.status, detail, problem, hintFor(res.status, detail, problem, this.hintContext));
  }
}

function quoteEtag(v: string | number): string {
  const s = String(v).trim();
  return /^(W\/)?".*"$/.test(s) ? s : `"${s}"`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// fetch hides the interesting part (ECONNREFUSED, ENOTFOUND) in `cause`.
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError")
    return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
