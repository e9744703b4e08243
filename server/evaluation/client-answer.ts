import { type EvaluationContext, evaluateFlag } from "../../sdk/core/index.js";
import { EtagHash, matchesIfNoneMatch } from "../kernel/http/etag.js";
import type { FlagList } from "./flag-lists.js";
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
  const hash = new EtagHash().text(contextText);
  const { flags, fragments } = list;
  const n = flags.length;
  if (texts.length !== n) texts = new Array(n);
  for (let i = 0; i < n; i++) {
    const flag = flags[i]!;
    const f = clientFragment(flag, evaluateFlag(flag, context), fragments[i]);
    texts[i] = f.text;
    hash.pair(f.hashA, f.hashB);
    each?.(f, i);
  }
  const body = `{"flags":{${texts.join(",")}}}`;
  return { body, etag: hash.etag() };
}

/** The HTTP answer for `answer`: a 304 when the caller's If-None-Match still holds. */
export function answerResponse(
  answer: ClientAnswer,
  ifNoneMatch: string | undefined,
): { status: 200 | 304; headers: Record<string, string>; body: string | null } {
  return matchesIfNoneMatch(ifNoneMatch, answer.etag)
    ? { status: 304, headers: { etag: answer.etag }, body: null }
    : {
        status: 200,
        headers: { "content-type": "application/json", etag: answer.etag },
        body: answer.body,
      };
}
