export { createClient } from "./client.js";
export type {
  ClientEvents,
  ClientOptions,
  Evaluation,
  EvaluationContext,
  Extension,
  ExtensionApi,
  FlagResult,
  JsonValue,
  RollguardClient,
} from "./types.js";
