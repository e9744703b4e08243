import { createApp } from "../../server/app.js";
import { closeDeps, createDeps, type DepsOptions } from "../../server/create-deps.js";
import { jsonRequest, readAnswer } from "./http.js";
import { type DialectName, freshPostgres } from "./postgres.js";
import { ADMIN } from "./server.js";

/**
 * The app over a fresh store, driven through `app.request` with no port: an in-memory SQLite
 * database, or with `dialect: "postgres"` a database of its own on the machine's PostgreSQL.
 * `options` override the deps' defaults (rate limits, lifecycle).
 */
export async function testApp(opts: { dialect?: DialectName } & Partial<DepsOptions> = {}) {
  const { dialect, ...options } = opts;
  const pg = dialect === "postgres" ? await freshPostgres() : undefined;
  const deps = await createDeps({
    database: ":memory:",
    databaseUrl: pg?.url,
    adminToken: ADMIN,
    log: () => {},
    ...options,
  });
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
  return {
    app,
    deps,
    call,
    close: async () => {
      await closeDeps(deps);
      await pg?.drop();
    },
  };
}
