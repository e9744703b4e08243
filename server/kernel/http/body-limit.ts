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
  const tooLarge = () => {
    throw new Problem(413, "body-too-large", `request bodies are limited to ${maxSize} bytes`);
  };
  const counting = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (!(Number(length) <= maxSize)) tooLarge();
      return next();
    }
    return counting(c, next);
  };
}
