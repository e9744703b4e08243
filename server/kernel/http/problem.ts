import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

/**
 * The one error type of the HTTP layer: it knows its RFC 9457 response. Anything thrown below a
 * route that is not a Problem becomes a 500 without internals.
 */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly slug: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    /** Headers the answer carries (a 429's Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  body(): ProblemBody {
    return {
      type: `https://rollguard.dev/problems/${this.slug}`,
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      detail: this.detail,
      ...this.extensions,
    };
  }
}

export const problems = {
  badRequest: (detail: string, ext?: Record<string, unknown>) =>
    new Problem(400, "invalid-request", detail, ext),
  unauthorized: (detail: string) => new Problem(401, "unauthorized", detail),
  forbidden: (detail: string) => new Problem(403, "forbidden", detail),
  notFound: (detail: string) => new Problem(404, "not-found", detail),
  conflict: (detail: string) => new Problem(409, "conflict", detail),
  stale: (detail: string, ext?: Record<string, unknown>) => new Problem(412, "stale-version", detail, ext),
};

export function problemResponse(c: Context, problem: Problem, headers?: Record<string, string>): Response {
  return c.body(JSON.stringify(problem.body()), problem.status, {
    "content-type": "application/problem+json",
    // RFC 9110: a 401 names the scheme it wants.
    ...(problem.status === 401 ? { "www-authenticate": 'Bearer realm="rollguard"' } : {}),
    ...problem.headers,
    ...headers,
  });
}
