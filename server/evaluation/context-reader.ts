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
  const bounded = checkBounds(context as Record<string, unknown>);
  if (bounded !== undefined) return invalid("INVALID_CONTEXT", bounded);
  const targetingKey = (context as { targetingKey?: unknown }).targetingKey;
  if (targetingKey !== undefined && typeof targetingKey !== "string")
    return invalid("INVALID_CONTEXT", "context.targetingKey: targetingKey must be a string");
  return { ok: true, context: context as EvaluationContext, text };
}

/** The bounds of an evaluation context, stated in docs and answered with INVALID_CONTEXT. */
export const CONTEXT_LIMITS = { attributes: 100, depth: 4, values: 1000, stringLength: 4096 } as const;

/**
 * Why a context is out of bounds, or undefined. An explicit stack, not recursion: a caller's
 * nesting never grows this server's call stack, and the walk stops at the first bound passed.
 */
function checkBounds(context: Record<string, unknown>): string | undefined {
  const { attributes, depth, values, stringLength } = CONTEXT_LIMITS;
  if (Object.keys(context).length > attributes) return `context: at most ${attributes} attributes`;
  const stack: Array<{ value: unknown; level: number }> = [{ value: context, level: 0 }];
  let seen = 0;
  while (stack.length > 0) {
    const { value, level } = stack.pop()!;
    if (++seen > values) return `context: at most ${values} values in all, nested ones included`;
    if (typeof value === "string") {
      if (value.length > stringLength) return `context: strings of at most ${stringLength} characters`;
    } else if (typeof value === "object" && value !== null) {
      if (level >= depth) return `context: nested at most ${depth} levels deep`;
      for (const v of Array.isArray(value) ? value : Object.values(value))
        stack.push({ value: v, level: level + 1 });
    }
  }
  return undefined;
}

const invalid = (code: ContextError["code"], detail: string): ContextError => ({ ok: false, code, detail });
