import { createApp } from "../../server/app.js";
import { closeDeps, createDeps } from "../../server/create-deps.js";
import { jsonRequest, readAnswer } from "./http.js";
import { ADMIN } from "./server.js";

/** The app over an in-memory store, driven through `app.request` with no port. */
export async function testApp() {
  const deps = await createDeps({ database: ":memory:", adminToken: ADMIN, log: () => {} });
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
  return { app, deps, call, close: () => closeDeps(deps) };
}
