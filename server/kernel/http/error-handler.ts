import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { DomainError, type DomainErrorKind } from "../errors.js";
import { Problem, problemResponse } from "./problem.js";

const STATUS: Record<DomainErrorKind, 400 | 404 | 409 | 412> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  stale: 412,
};

const SLUG: Record<DomainErrorKind, string> = {
  invalid: "invalid-request",
  not_found: "not-found",
  conflict: "conflict",
  stale: "stale-version",
};

/** The problem+json a domain error answers with: its kind decides the status. */
export function problemOf(error: DomainError): Problem {
  return new Problem(STATUS[error.kind], error.code ?? SLUG[error.kind], error.message, error.details);
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The app's one error handler: problems answer as they are, domain errors by their kind, Hono's
 * own 4xx (bad JSON) with a detail a person can act on, anything else as a 500 that shows no
 * internals. A failed write changed nothing (the change path is one transaction), and the 500
 * says so; a failed read says only that it failed.
 */
export function errorHandler(log: (message: string, error?: unknown) => void): ErrorHandler {
  return (error, c) => {
    if (error instanceof Problem) return problemResponse(c, error);
    if (error instanceof DomainError) return problemResponse(c, problemOf(error));
    if (error instanceof HTTPException && error.status < 500) {
      const detail =
        error.status === 400 && /json/i.test(error.message)
          ? "the body is not valid JSON: check quotes, commas and brackets"
          : error.status === 415
            ? `send the body as JSON with the header \`content-type: application/json\`; got ${c.req.header("content-type") ?? "no content-type"}`
            : error.message || "bad request";
      const slug = error.status === 415 ? "unsupported-media-type" : "invalid-request";
      return problemResponse(c, new Problem(error.status as 400, slug, detail));
    }
    log(`unhandled error on ${c.req.method} ${c.req.path}`, error);
    const detail = READS.has(c.req.method)
      ? "the server failed to answer; see the server log"
      : "the server failed; the change was not applied";
    return problemResponse(c, new Problem(500, "internal", detail));
  };
}

export const notFoundHandler: NotFoundHandler = (c: Context) =>
  problemResponse(c, new Problem(404, "not-found", `no route for ${c.req.method} ${c.req.path}`));
