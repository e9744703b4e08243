import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuthEnv } from "./auth/require-token.js";
import type { AppDeps } from "./deps.js";

/** A feature's REST routes, built from the deps; every group is an OpenAPIHono (see `router`). */
export type RouteGroup = (deps: AppDeps) => OpenAPIHono<AuthEnv>;

/** Stops what `start` started; the server awaits it on close. */
export type Stop = () => Promise<void> | void;

/**
 * One vertical slice of the server: its routes and the background work it runs (a loop, a
 * stream heartbeat). `start` runs only in `createServer`, never in `createApp`, so a test can
 * drive routes without timers. `Options` are the feature's own settings; the server's options
 * are the union of every feature's.
 */
export interface Feature<Options = object> {
  name: string;
  routes?: RouteGroup;
  start?: (deps: AppDeps, options: Options) => Stop;
}
