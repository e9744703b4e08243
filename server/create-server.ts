import {
  createServer as createHttpServer,
  type ServerOptions as HttpServerOptions,
  type RequestListener,
} from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp, MAX_BODY_BYTES } from "./app.js";
import { createDeps, type DepsOptions } from "./create-deps.js";
import { clientEvaluateLane } from "./evaluation/index.js";
import { type FeatureOptions, features } from "./features.js";
import type { AppDeps } from "./kernel/deps.js";

export interface ServerOptions extends DepsOptions, FeatureOptions {
  port?: number;
  hostname?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  close(): Promise<void>;
}

/** Starts Rollguard: the store, the HTTP server and every feature's background work. */
export async function createServer(options: ServerOptions): Promise<RunningServer> {
  const deps = createDeps(options);
  const app = createApp(deps, features);
  const stops = features.flatMap((f) => (f.start ? [f.start(deps, options)] : []));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 4242,
        hostname: options.hostname ?? "0.0.0.0",
        // The busiest route skips the framework on its plain case (see evaluate-lane.ts).
        createServer: ((serverOptions: HttpServerOptions, listener: RequestListener) =>
          createHttpServer(
            serverOptions,
            clientEvaluateLane(deps, MAX_BODY_BYTES, listener),
          )) as typeof createHttpServer,
      },
      () => resolve(s),
    );
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    deps,
    async close() {
      for (const stop of stops) await stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open SSE streams would keep close() waiting forever.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      deps.database.close();
    },
  };
}
