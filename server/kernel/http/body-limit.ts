import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Problem } from "./problem.js";

/**
 * Hono's bodyLimit, without its cost on the common case. Hono's version reads `c.req.raw.body`
 * first, which makes @hono/node-server build a full web Request (AbortController, ReadableStream
 * over the socket) for every POST, and the body is then read through web streams. When the
 * request declares its length, the header alone decides; the body is later read straight from
 * the socket by node-server's fast path. Chunked bodies still go through Hono's counting reader.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const counting = bodyLimit({ maxSize, onError: () => tooLarge(maxSize) });
  return async (c, next) => {
    if (declaredWithin(c.req.header("content-length"), c.req.header("transfer-encoding"), maxSize))
      return next();
    return counting(c, next);
  };
}

/** Every request body the API takes is at most this large. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The header check of `limitBody`, for any pipeline: true when the body's declared length is
 * within `maxSize`, false when it is not declared (chunked: it must be counted as it is read);
 * a declared length over the limit throws the 413.
 */
export function declaredWithin(
  contentLength: string | undefined,
  transferEncoding: string | undefined,
  maxSize: number,
): boolean {
  if (contentLength === undefined || transferEncoding !== undefined) return false;
  if (!(Number(contentLength) <= maxSize)) tooLarge(maxSize);
  return true;
}

function tooLarge(maxSize: number): never {
  throw new Problem(413, "body-too-large", `request bodies are limited to ${maxSize} bytes`);
}
