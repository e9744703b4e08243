export { createApp } from "./app.js";
export { createDeps, type DepsOptions } from "./create-deps.js";
export { createServer, type RunningServer, type ServerOptions } from "./create-server.js";
export type { AppDeps } from "./kernel/deps.js";
export type { Feature, RouteGroup } from "./kernel/feature.js";
