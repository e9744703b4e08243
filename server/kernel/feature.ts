import type { RequestListener } from "node:http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuthEnv } from "./auth/require-token.js";
import type { AppDeps } from "./deps.js";

/**
 * A feature's REST routes, built from the deps (and the feature's options, when it has any that
 * shape its routes); every group is an OpenAPIHono (see `router`).
 */
export type RouteGroup<Options = object> = (deps: AppDeps, options?: Options) => OpenAPIHono<AuthEnv>;

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
  routes?: RouteGroup<Options>;
  start?: (deps: AppDeps, options: Options) => Stop;
  /**
   * Wraps the server's `node:http` listener (the Hono app, and what earlier features wrapped
   * around it). Features wrap in list order, so a later one sees every request first.
   */
  wrapListener?: (deps: AppDeps, next: RequestListener, routes: readonly RouteEntry[]) => RequestListener;
}

/** A route as the app lists it: a method and a path with `:param` segments. */
export interface RouteEntry {
  method: string;
  path: string;
}
