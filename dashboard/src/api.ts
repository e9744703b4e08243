import type {
  AuditEvent,
  Environment,
  Flag,
  FlagState,
  FlagStatePatch,
  FlagType,
  GuardRule,
  GuardView,
  Plan,
  Problem,
  Schedule,
  Segment,
  SegmentInput,
  Token,
  TokenScope,
  TokenWithSecret,
  Variant,
  Webhook,
  WebhookWithSecret,
} from "./api-types";
import { readToken } from "./session";

/** A failed request: the HTTP status and the problem+json the API answered. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || `HTTP ${status}`);
  }
}

/** Called on 401 so the shell can go back to the sign-in form. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

interface RequestOptions {
  body?: unknown;
  ifMatch?: number;
  token?: string;
  signal?: AbortSignal;
}

/** One REST call: JSON in and out, the admin token as a bearer, If-Match as a quoted version. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = opts.token ?? readToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.ifMatch !== undefined) headers["if-match"] = `"${opts.ifMatch}"`;
  const init: RequestInit = { method, headers, cache: "no-store" };
  if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
  if (opts.signal) init.signal = opts.signal;
  const res = await fetch(path, init);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const problem = (parsed && typeof parsed === "object" ? parsed : {}) as Problem;
    if (res.status === 401 && !opts.token) onUnauthorized();
    throw new ApiError(res.status, {
      ...problem,
      status: res.status,
      detail: problem.detail ?? (text || res.statusText),
    });
  }
  return parsed as T;
}

const enc = encodeURIComponent;
const flagEnv = (key: string, env: string) => `/api/flags/${enc(key)}/environments/${enc(env)}`;

export const api = {
  /** Checks a token before it is kept (any admin-only read will do). */
  checkToken: (token: string) =>
    request<{ environments: Environment[] }>("GET", "/api/environments", { token }),

  environments: () => request<{ environments: Environment[] }>("GET", "/api/environments"),

  flags: (q?: string) =>
    request<{ flags: Flag[]; next: string | null }>("GET", `/api/flags?limit=500${q ? `&q=${enc(q)}` : ""}`),
  flag: (key: string) => request<Flag>("GET", `/api/flags/${enc(key)}`),
  createFlag: (input: {
    key: string;
    type: FlagType;
    description?: string;
    tags?: string[];
    variants?: Variant[];
  }) => request<Flag>("POST", "/api/flags", { body: input }),
  archiveFlag: (key: string) => request<Flag>("POST", `/api/flags/${enc(key)}/archive`),
  patchState: (key: string, env: string, patch: FlagStatePatch, version?: number) =>
    request<FlagState>("PATCH", flagEnv(key, env), {
      body: patch,
      ...(version !== undefined ? { ifMatch: version } : {}),
    }),

  guard: (key: string, env: string) => request<GuardView>("GET", `${flagEnv(key, env)}/guard`),
  putGuard: (key: string, env: string, rules: Array<string | GuardRule>, version?: number) =>
    request<GuardView>("PUT", `${flagEnv(key, env)}/guard`, {
      body: { rules },
      ...(version !== undefined ? { ifMatch: version } : {}),
    }),
  deleteGuard: (key: string, env: string) => request<void>("DELETE", `${flagEnv(key, env)}/guard`),
  guardPresets: () => request<{ presets: Record<string, GuardRule> }>("GET", "/api/guard/presets"),

  currentPlan: (key: string, env: string) => request<Plan>("GET", `${flagEnv(key, env)}/plans/current`),
  plans: (key: string, env: string) =>
    request<{ plans: Plan[] }>("GET", `${flagEnv(key, env)}/plans?limit=10`),
  createPlan: (key: string, env: string, body: { preset?: string; stages?: unknown[]; start?: boolean }) =>
    request<Plan>("POST", `${flagEnv(key, env)}/plans`, { body }),
  planAction: (id: string, action: "start" | "pause" | "resume" | "advance" | "abort", version?: number) =>
    request<Plan>("POST", `/api/plans/${enc(id)}/${action}`, {
      ...(version !== undefined ? { ifMatch: version } : {}),
    }),

  schedules: (key: string, env: string) =>
    request<{ schedules: Schedule[] }>("GET", `${flagEnv(key, env)}/schedules`),
  createSchedule: (
    key: string,
    env: string,
    body: { in?: string; at?: string; percentage?: number; enabled?: boolean },
  ) => request<Schedule>("POST", `${flagEnv(key, env)}/schedules`, { body }),
  cancelSchedule: (id: string) => request<Schedule>("DELETE", `/api/schedules/${enc(id)}`),

  audit: (q: { flag?: string; environment?: string; action?: string; before?: number }) => {
    const params = new URLSearchParams({ limit: "50" });
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") params.set(k, String(v));
    return request<{ events: AuditEvent[]; next: number | null }>("GET", `/api/audit?${params}`);
  },

  tokens: () => request<{ tokens: Token[] }>("GET", "/api/tokens"),
  createToken: (body: {
    scope: TokenScope;
    environment?: string;
    name?: string;
    allowedOrigins?: string[];
    expiresAt?: string;
  }) => request<TokenWithSecret>("POST", "/api/tokens", { body }),
  rotateToken: (id: string, graceSeconds: number) =>
    request<TokenWithSecret>("POST", `/api/tokens/${enc(id)}/rotate`, { body: { graceSeconds } }),
  revokeToken: (id: string) => request<Token>("DELETE", `/api/tokens/${enc(id)}`),

  segments: () => request<{ segments: Segment[] }>("GET", "/api/segments"),
  createSegment: (body: SegmentInput & { key: string }) =>
    request<Segment>("POST", "/api/segments", { body }),
  updateSegment: (key: string, body: SegmentInput, version: number) =>
    request<Segment>("PATCH", `/api/segments/${enc(key)}`, { body, ifMatch: version }),
  deleteSegment: (key: string) => request<void>("DELETE", `/api/segments/${enc(key)}`),

  webhooks: (env: string) =>
    request<{ webhooks: Webhook[] }>("GET", `/api/environments/${enc(env)}/webhooks`),
  createWebhook: (env: string, body: { url: string; events?: string[] }) =>
    request<WebhookWithSecret>("POST", `/api/environments/${enc(env)}/webhooks`, { body }),
  rotateWebhookSecret: (id: string) =>
    request<WebhookWithSecret>("POST", `/api/webhooks/${enc(id)}/rotate-secret`, { body: {} }),
  deleteWebhook: (id: string) => request<void>("DELETE", `/api/webhooks/${enc(id)}`),
};

/** A 404 as `null`: "this flag has no guard / no active plan here". */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.status}: ${e.problem.detail}`;
  return e instanceof Error ? e.message : String(e);
}
