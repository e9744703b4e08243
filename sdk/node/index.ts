export type { EvaluationContext, EvaluationResult, FlagConfig, FlagSet, JsonValue } from "../core/index.js";
export { RollguardClient } from "./client.js";
export type { ClientEvents, ClientStatus, FlagSource } from "./client-events.js";
export { createClient } from "./create-client.js";
export type { EvaluationHook } from "./evaluator.js";
export type { EventSourceConstructor, EventSourceLike } from "./event-source-like.js";
export type { ClientOptions } from "./options.js";
export { RollguardError, type RollguardErrorCode } from "./rollguard-error.js";
export type { Timers } from "./timers.js";
