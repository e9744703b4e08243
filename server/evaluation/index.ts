// The evaluation feature's module: what other features and the server may use of it.
export { type ClientAnswer, clientAnswer } from "./client-answer.js";
export { clientEvaluateLane } from "./client-evaluate-lane.js";
export { evaluationFeature } from "./feature.js";
export { type FlagList, flagList } from "./flag-lists.js";
export { clientFragment, type Fragment, fragmentCache, removedFragment } from "./result-json.js";
