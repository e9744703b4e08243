import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type RunningServer, type ServerOptions } from "../../server/index.js";
import { jsonRequest, readAnswer } from "./http.js";
import { type DialectName, freshPostgres } from "./postgres.js";

export const ADMIN = "test-admin-secret";

/**
 * A real Rollguard server in this process, on a free port, with a fresh SQLite file (or with
 * `dialect: "postgres"`, a fresh database of its own on the machine's PostgreSQL).
 */
export async function startServer(
  options: Partial<ServerOptions> & { dialect?: DialectName } = {},
): Promise<RunningServer & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "rollguard-test-"));
  const { dialect, ...rest } = options;
  const pg = dialect === "postgres" ? await freshPostgres() : undefined;
  const server = await createServer({
    port: 0,
    hostname: "127.0.0.1",
    database: join(dir, "rollguard.db"),
    databaseUrl: pg?.url,
    adminToken: ADMIN,
    log: () => {},
    ...rest,
  });
  return {
    ...server,
    dir,
    async close() {
      await server.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** The server as a separate process (`server/main.ts` through tsx), so a test can SIGKILL it. */
export async function spawnServer(opts: {
  database: string;
  port?: number;
  env?: Record<string, string>;
  /** A postgres:// URL (ROLLGUARD_DATABASE_URL): several spawned servers may share it. */
  databaseUrl?: string;
}) {
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: new URL("../..", import.meta.url).pathname,
    env: {
      ...process.env,
      PORT: String(port),
      ROLLGUARD_DB: opts.database,
      ...(opts.databaseUrl ? { ROLLGUARD_DATABASE_URL: opts.databaseUrl } : {}),
      ROLLGUARD_ADMIN_TOKEN: ADMIN,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  // tsx compiles the server at each start: on a loaded machine that alone takes seconds.
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become ready: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    child,
    output: () => output,
    kill(signal: NodeJS.Signals = "SIGKILL") {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      });
    },
  };
}

/** A small REST client for tests: JSON in, `{ status, body, headers }` out. */
export function api(base: string, token = ADMIN) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    readAnswer(await fetch(base + path, jsonRequest(method, token, body, headers)));
}
