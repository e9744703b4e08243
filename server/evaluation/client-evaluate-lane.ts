import type { IncomingMessage, RequestListener } from "node:http";
import { admitCachedBrowserRequest } from "../kernel/auth/client-access.js";
import { corsHeaders } from "../kernel/auth/cors.js";
import type { AppDeps } from "../kernel/deps.js";
import { declaredWithin } from "../kernel/http/body-limit.js";
import { clientEvaluateResponse } from "./client-answer.js";
import { readContext } from "./context-reader.js";

const PATH = "/api/client/evaluate";

/**
 * `POST /api/client/evaluate` served straight on node:http, in front of the Hono app.
 *
 * Every page load calls this route, and through Hono a request paid more for the framework
 * (web Request and Headers objects built from the socket's headers, async middlewares, a
 * Response turned back into Node headers) than for evaluating 50 flags. The lane is not a second
 * pipeline: it runs the Hono route's own checks, as the same functions (`declaredWithin` of the
 * body limit, `admitBrowserRequest` of the browser routes' access, `readContext`) and builds the
 * same answer (`clientEvaluateResponse`). When any check refuses, or anything is not the plain
 * case (a preflight, a chunked body, an admin token that must name its environment), the request
 * goes to Hono unchanged, which runs the same checks again and answers the error in the one
 * place errors are answered. A body already read is handed over as `rawBody`, which
 * @hono/node-server reads instead of the socket. Checks that apply to every request (logging,
 * request metrics) wrap both pipelines at the node:http listener, outside this lane.
 */
export function clientEvaluateLane(
  deps: AppDeps,
  maxBodyBytes: number,
  next: RequestListener,
): RequestListener {
  return (req, res) => {
    if (req.method !== "POST" || req.url !== PATH) return next(req, res);
    const headers = req.headers;
    const origin = headers.origin;
    let environment: string | null;
    try {
      if (!declaredWithin(headers["content-length"], headers["transfer-encoding"], maxBodyBytes))
        return next(req, res);
      const caller = deps.limits.caller(
        req.socket.remoteAddress,
        String(headers["x-forwarded-for"] ?? ""),
        req,
      );
      // A token not in memory yet is looked up by the route (which then caches it for the lane).
      const principal = admitCachedBrowserRequest(deps, {
        authorization: headers.authorization,
        origin,
        caller,
      });
      if (principal === undefined) return next(req, res);
      environment = principal.environment;
    } catch {
      return next(req, res);
    }
    if (environment === null) return next(req, res);
    const env = environment;

    readBody(req, (body) => {
      const text = body.toString();
      const snapshot = deps.snapshots.get(env);
      const input = readContext(text);
      if (snapshot === undefined || !input.ok) {
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        return next(req, res);
      }
      const r = clientEvaluateResponse(snapshot, input, headers["if-none-match"]);
      const head: Record<string, string> =
        origin === undefined ? r.headers : { ...r.headers, vary: "Origin", ...corsHeaders(origin) };
      res.writeHead(r.status, head);
      // The answer is ASCII (see result-json.ts), so latin1 writes its bytes as they are.
      res.end(r.body ?? undefined, "latin1");
    });
  };
}

/** Collects the body; a request that breaks off gets no answer (there is no one to read it). */
function readBody(req: IncomingMessage, done: (body: Buffer) => void) {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  req.on("error", () => req.destroy());
}
