import type { IncomingMessage, RequestListener } from "node:http";
import { corsHeaders, originAllowed } from "../kernel/auth/cors.js";
import { bearer, scopeAllows } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { answerResponse, clientAnswer } from "./client-answer.js";
import { readContext } from "./client-evaluate-route.js";
import { CLIENT_API_SCOPES } from "./client-routes.js";
import { flagList } from "./flag-lists.js";

const PATH = "/api/client/evaluate";

/**
 * `POST /api/client/evaluate` served straight on node:http, in front of the Hono app.
 *
 * Every page load calls this route, and through Hono a request paid more for the framework
 * (web Request and Headers objects built from the socket's headers, four async middlewares, a
 * Response turned back into Node headers) than for evaluating 50 flags. The lane answers only
 * the plain case, with the same functions the Hono route and its middlewares use (token store,
 * scope and origin checks, the answer builder, `readContext`): a known token of the right scope
 * bound to an environment that exists, an allowed origin or none, a declared body length within
 * the limit, a body that is a valid request. Anything else (a preflight, a bad or missing token,
 * a refused origin, a chunked or oversized body, bad JSON, an admin token that names its
 * environment) is handed to Hono unchanged, so every error answer is written in one place. A
 * body already read is handed over as `rawBody`, which @hono/node-server reads instead of the
 * socket.
 */
export function clientEvaluateLane(
  deps: AppDeps,
  maxBodyBytes: number,
  next: RequestListener,
): RequestListener {
  return (req, res) => {
    if (req.method !== "POST" || req.url !== PATH) return next(req, res);
    const headers = req.headers;
    const secret = bearer(headers.authorization);
    const principal = secret === undefined ? null : deps.tokens.resolve(secret);
    const length = Number(headers["content-length"]);
    const origin = headers.origin;
    if (
      principal === null ||
      principal.environment === null ||
      !scopeAllows(principal, CLIENT_API_SCOPES) ||
      (origin !== undefined && !originAllowed(deps, principal, origin)) ||
      headers["transfer-encoding"] !== undefined ||
      !(length <= maxBodyBytes)
    )
      return next(req, res);
    const environment = principal.environment;

    readBody(req, (body) => {
      const text = body.toString();
      const store = deps.flags.get(environment);
      let context: Record<string, unknown> | undefined;
      try {
        context = readContext(text);
      } catch {}
      if (store === undefined || context === undefined) {
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        return next(req, res);
      }
      const r = answerResponse(clientAnswer(flagList(store, true), context, text), headers["if-none-match"]);
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
