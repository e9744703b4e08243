import { createApp } from "../../server/app.js";
import { createDeps } from "../../server/create-deps.js";
import { ADMIN } from "./server.js";

/** The app over an in-memory store, driven through `app.request` with no port. */
export function testApp() {
  const deps = createDeps({ database: ":memory:", adminToken: ADMIN, log: () => {} });
  const app = createApp(deps);
  async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string | null; headers?: Record<string, string> } = {},
  ) {
    const token = opts.token === undefined ? ADMIN : opts.token;
    const res = await app.request(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...opts.headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    return { status: res.status, body: parsed as any, headers: res.headers };
  }
  return { app, deps, call, close: () => deps.database.close() };
}
