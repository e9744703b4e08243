import type { Duplex } from "node:stream";
import { Problem } from "./problem.js";

/**
 * Node's answer to a request its parser refuses (a quote or backslash in the path, a broken
 * header, headers too large) is a bare `400` with no body. This answers the same as every other
 * refusal: problem+json with a detail, then the connection closes (the parser's state is lost).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (error.code === "ECONNRESET" && socket.destroyed)) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const problem = tooLarge
    ? new Problem(
        431 as 400,
        "headers-too-large",
        "the request's headers are too large: send at most 16 KB of headers",
      )
    : new Problem(
        400,
        "malformed-request",
        "the request is not valid HTTP/1.1: percent-encode the path (quotes, backslashes, spaces) and send well-formed headers",
      );
  const body = JSON.stringify({
    ...problem.body(),
    title: tooLarge ? "Request Header Fields Too Large" : "Bad Request",
  });
  socket.end(
    `HTTP/1.1 ${problem.status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
      "content-type: application/problem+json\r\n" +
      "x-content-type-options: nosniff\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      "connection: close\r\n\r\n" +
      body,
  );
}

/**
 * @hono/node-server's answer to a request it cannot turn into a web Request (a URL that does not
 * parse, such as a quote in the path) is also a bare 400; this is its `errorHandler`. Anything else
 * that reaches it escaped the app's own error handler: a 500 that names no internals.
 */
export function requestErrorResponse(error: unknown): Response {
  const malformed = error instanceof Error && error.name === "RequestError";
  const problem = malformed
    ? new Problem(
        400,
        "malformed-request",
        "the request's URL or headers do not parse: percent-encode the path (quotes, backslashes, spaces)",
      )
    : new Problem(500, "internal", "the server could not answer this request (its log says why); try again");
  return new Response(JSON.stringify(problem.body()), {
    status: problem.status,
    headers: { "content-type": "application/problem+json" },
  });
}
