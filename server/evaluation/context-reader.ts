import type { EvaluationContext } from "../../sdk/core/index.js";

/** What an evaluation request body gave: its context, and the text its answer's ETag covers. */
export interface ReadContext {
  ok: true;
  context: EvaluationContext;
  /** The body as sent: two requests with the same text get the same tag for the same answer. */
  text: string;
}

/** Why a body cannot be evaluated, in OpenFeature's words (each endpoint answers in its own shape). */
export interface ContextError {
  ok: false;
  code: "PARSE_ERROR" | "INVALID_CONTEXT";
  detail: string;
}

/**
 * The one reader of `{ "context": { … } }` for every evaluation endpoint (server evaluate, client
 * evaluate, OFREP). It never throws: the client API answers its errors as problem+json, OFREP as
 * `{ errorCode, errorDetails }`. An empty body or a missing context is the empty context. The
 * generic validator is skipped on purpose: these are the busiest routes, and a zod walk over a
 * caller's context cost more than evaluating it; the check is the same (an object of attributes).
 */
export function readContext(text: string): ReadContext | ContextError {
  let parsed: unknown = {};
  if (text.trim() !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      return invalid("PARSE_ERROR", "the body is not valid JSON: check quotes, commas and brackets");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return invalid("INVALID_CONTEXT", 'the body must be a JSON object: { "context": { … } }');
  const context = (parsed as { context?: unknown }).context ?? {};
  if (typeof context !== "object" || context === null || Array.isArray(context))
    return invalid("INVALID_CONTEXT", "context: context must be a JSON object of attributes");
  const targetingKey = (context as { targetingKey?: unknown }).targetingKey;
  if (targetingKey !== undefined && typeof targetingKey !== "string")
    return invalid("INVALID_CONTEXT", "context.targetingKey: targetingKey must be a string");
  return { ok: true, context: context as EvaluationContext, text };
}

const invalid = (code: ContextError["code"], detail: string): ContextError => ({ ok: false, code, detail });
