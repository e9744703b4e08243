export * from "./dispatcher.js";
export * from "./event-match.js";
export * from "./webhook-commands.js";
