import type { ServerResponse } from "node:http";
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import { Problem } from "../kernel/http/problem.js";
import { SSE_HEADERS } from "./sse-event.js";

/**
 * The Node response a stream route takes over, or the answer to give instead. A HEAD (which Hono
 * routes to the GET handler) gets a stream's head and no stream: taking over its response would
 * hold a connection open for nobody, and Hono would then write a second head over it.
 */
export function streamTarget(c: Context, headers: Record<string, string> = {}): ServerResponse | Response {
  if (c.req.method === "HEAD")
    return new Response(null, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (!outgoing) throw new Problem(503, "stream-unavailable", "streaming needs the Node HTTP server");
  return outgoing;
}
