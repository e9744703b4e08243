import type { EvaluationContext } from "../../sdk/core/index.js";
import { evaluateFlag } from "../../sdk/core/index.js";
import { AnswerTag, matchesIfNoneMatch } from "../kernel/http/etag.js";
import type { EnvironmentSnapshot } from "../kernel/snapshot/environment-snapshot.js";
import type { ReadContext } from "./context-reader.js";
import { type FlagList, flagList } from "./flag-lists.js";
import { clientFragment, type Fragment } from "./result-json.js";

export interface ClientAnswer {
  /** `{"flags":{"key":{…},…}}` */
  body: string;
  /** The answer's tag: the context (as the caller wrote it) and every fragment. */
  etag: string;
}

// Scratch space reused by every call (evaluation is synchronous), so an answer allocates little
// beyond its own body string. What it still holds between calls are cached fragments' texts.
let texts: string[] = [];

/**
 * Evaluates every flag of `list` for one context. The body is the cached fragments joined (one
 * flat string: `+=` would leave a rope of a hundred pieces for the socket write to walk), the tag
 * mixes the context's text with the fragments' precomputed hashes. `each` sees every fragment.
 */
export function clientAnswer(
  list: FlagList,
  context: EvaluationContext,
  contextText: string,
  each?: (fragment: Fragment, index: number) => void,
): ClientAnswer {
  const tag = new AnswerTag(contextText);
  const { flags, fragments, scope } = list;
  const n = flags.length;
  if (texts.length !== n) texts = new Array(n);
  for (let i = 0; i < n; i++) {
    const flag = flags[i]!;
    const f = clientFragment(flag, evaluateFlag(flag, context, scope), fragments[i]);
    texts[i] = f.text;
    tag.add(f);
    each?.(f, i);
  }
  const body = `{"flags":{${texts.join(",")}}}`;
  return { body, etag: tag.etag() };
}

/** An evaluated answer as HTTP: a 304 when the caller's If-None-Match still holds. */
export interface TaggedResponse {
  status: 200 | 304;
  headers: Record<string, string>;
  body: string | null;
}

/** The one 304-or-200 decision of every tagged evaluation answer (client API and OFREP bulk). */
export function taggedResponse(body: string, etag: string, ifNoneMatch: string | undefined): TaggedResponse {
  return matchesIfNoneMatch(ifNoneMatch, etag)
    ? { status: 304, headers: { etag }, body: null }
    : { status: 200, headers: { "content-type": "application/json", etag }, body };
}

/** `POST /api/client/evaluate`'s answer, for the Hono route and the lane alike. */
export function clientEvaluateResponse(
  snapshot: EnvironmentSnapshot,
  input: ReadContext,
  ifNoneMatch: string | undefined,
): TaggedResponse {
  const list = flagList(snapshot, true);
  snapshot.usage.markFlags(list.flags);
  const answer = clientAnswer(list, input.context, input.text);
  return taggedResponse(answer.body, answer.etag, ifNoneMatch);
}
