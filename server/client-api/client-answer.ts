import { type EvaluationContext, evaluateFlag } from "../../sdk/core/index.js";
import type { FlagList } from "./flag-list.js";
import { clientResultJson } from "./result-json.js";

/**
 * `{"flags":{"key":{…},…}}` for one context, built from cached fragments by concatenation.
 * `results` are the flags' result fragments when the caller has them already.
 */
export function clientAnswer(
  list: FlagList,
  context: EvaluationContext,
  results?: readonly string[],
): string {
  let body = '{"flags":{';
  const { flags, keyJson } = list;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    body +=
      (i === 0 ? "" : ",") +
      keyJson[i] +
      (results ? results[i] : clientResultJson(flag, evaluateFlag(flag, context)));
  }
  return `${body}}}`;
}
