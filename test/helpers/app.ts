import { createApp } from "../../server/app.js";
import { createDeps, type DepsOptions } from "../../server/create-deps.js";
import { jsonRequest, readAnswer } from "./http.js";
import { ADMIN } from "./server.js";

/** The app over an in-memory store, driven through `app.request` with no port. */
export function testApp(options: Partial<DepsOptions> = {}) {
  const deps = createDeps({ database: ":memory:", adminToken: ADMIN, log: () => {}, ...options });
  const app = createApp(deps);
  async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string | null; headers?: Record<string, string> } = {},
  ) {
    const token = opts.token === undefined ? ADMIN : opts.token;
    return readAnswer(await app.request(path, jsonRequest(method, token, body, opts.headers)));
  }
  return { app, deps, call, close: () => deps.database.close() };
}
