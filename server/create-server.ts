import { createServer as createHttpServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "./app.js";
import { closeDeps, createDeps, type DepsOptions } from "./create-deps.js";
import { type FeatureOptions, features } from "./features.js";
import type { AppDeps } from "./kernel/deps.js";
import { answerClientError, requestErrorResponse } from "./kernel/http/client-error.js";
import { withSecurityHeaders } from "./kernel/http/security-headers.js";

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

/** Listening failed; `code` is the system's (EADDRINUSE, EACCES, EADDRNOTAVAIL…). */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ListenError";
  }
}

/** Starts Rollguard: the store, the HTTP server and every feature's background work. */
export async function createServer(options: ServerOptions): Promise<RunningServer> {
  const deps = await createDeps(options);
  const app = createApp(deps, features, options);
  const port = options.port ?? 4242;
  const hostname = options.hostname ?? "0.0.0.0";
  let listener: RequestListener = getRequestListener(app.fetch, {
    hostname,
    errorHandler: requestErrorResponse,
  });
  // The evaluate lane, then request metrics: each feature's wrapper goes around the earlier ones.
  for (const f of features) if (f.wrapListener) listener = f.wrapListener(deps, listener, app.routes);
  const server = createHttpServer(withSecurityHeaders(listener));
  server.on("clientError", answerClientError);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, hostname, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await closeDeps(deps);
    throw listenError(error, hostname, port);
  }
  const stops = features.flatMap((f) => (f.start ? [f.start(deps, options)] : []));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    deps,
    async close() {
      for (const stop of stops) await stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open SSE streams would keep close() waiting forever.
        server.closeAllConnections();
      });
      await closeDeps(deps);
    },
  };
}

function listenError(error: unknown, hostname: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE")
    return new ListenError(
      code,
      `port ${port} on ${hostname} is already in use: stop what uses it, or set PORT to another port`,
    );
  if (code === "EACCES")
    return new ListenError(
      code,
      `no permission to listen on port ${port}: use a port above 1023 (PORT), or run with the rights to bind it`,
    );
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new ListenError(
      code,
      `cannot listen on ${hostname}: it is not an address of this machine; set HOST to one (127.0.0.1, 0.0.0.0)`,
    );
  return error instanceof Error ? error : new Error(String(error));
}
