import { createHash } from "node:crypto";
import { Agent, request } from "node:http";
import fc from "fast-check";
import type { Store } from "../../server/kernel/db/database.js";
import type { SqliteStore } from "../../server/kernel/db/sqlite-store.js";
import type { DialectName } from "../helpers/postgres.js";
import { ADMIN, api, freePort, startServer } from "../helpers/server.js";
import { GOOD, rightToken } from "./good-bodies.js";
import {
  fromSchema,
  mutated,
  type OpenApiDoc,
  type Operation,
  operationsOf,
  pools,
} from "./openapi-arbitraries.js";

// The API fuzzed through /openapi.json against a real server: every answer must be 2xx, 304 or a
// 4xx problem+json (OFREP's evaluation answers its own `{ errorCode }` JSON, as its spec says), and
// after every 4xx the database must be exactly as it was (a digest of every row of every table).

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** The store the fuzzed server runs on (default SQLite). */
  dialect?: DialectName;
}

export interface FuzzStats {
  cases: number;
  operations: number;
  /** Operations that answered at least one 2xx: the fuzz reached past validation there. */
  reached: number;
  /** The operations that never answered a 2xx. */
  unreached: string[];
  byClass: Record<string, number>;
  /** Requests node:http refuses to send (control characters in the path). */
  unsendable: number;
  ms: number;
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(
  url: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer | null> {
  return new Promise((resolve, reject) => {
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
        const type = String(res.headers["content-type"] ?? "");
        if (type.startsWith("text/event-stream")) {
          // A stream opened: that is its answer; cut it.
          res.destroy();
          resolve({ status: res.statusCode ?? 0, type, body: "" });
          return;
        }
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type, body: text }));
        res.on("error", reject);
      });
    } catch {
      resolve(null);
      return;
    }
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * What the fuzz asks the store: a digest of every row of every table but drizzle's own (equal
 * digests, equal databases), and a count that moves with every write the server makes, when the
 * dialect has one (null: every answer is checked against the digest).
 */
interface Probe {
  digest(): Promise<string>;
  writes(): number | null;
}

function probeOf(store: Store): Probe {
  if (store.dialect === "sqlite") {
    const sqlite = (store as SqliteStore).sqlite;
    return {
      digest: async () => sqliteDigest(sqlite),
      // total_changes() counts every row the server's connection wrote: unchanged, nothing was
      // written. When it moved on a 4xx (a write rolled back counts too), the digests decide.
      writes: () => (sqlite.prepare("select total_changes() n").get() as { n: number }).n,
    };
  }
  // PostgreSQL has no such count for one database (the cluster's transaction ids move with every
  // other database's writes), so each answer is checked; one query digests every table.
  let query: Promise<string> | undefined;
  return {
    async digest() {
      query ??= postgresDigestQuery(store);
      const [row] = await store.query(await query);
      return createHash("sha256").update(JSON.stringify(row)).digest("hex");
    },
    writes: () => null,
  };
}

/**
 * What the server writes on its own timers, never for a request: when each flag was last
 * evaluated (the usage flush, every 30 s) and tokens' last use (the minute flush). A fuzz slowed
 * down by a loaded machine outlasts both, and their writes are no answer's doing: left out.
 */
const TIMER_TABLES = new Set(["flag_usage"]);
const TIMER_COLUMNS: Record<string, string> = { tokens: "last_used_at" };

function sqliteDigest(sqlite: { prepare: (sql: string) => { all: () => unknown[] } }): string {
  const tables = (
    sqlite
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
      )
      .all() as Array<{ name: string }>
  )
    .map((t) => t.name)
    .filter((t) => !TIMER_TABLES.has(t));
  const hash = createHash("sha256");
  for (const t of tables) {
    const rows = sqlite.prepare(`select * from "${t}"`).all() as Array<Record<string, unknown>>;
    const column = TIMER_COLUMNS[t];
    if (column) for (const r of rows) delete r[column];
    hash.update(t).update(JSON.stringify(rows));
  }
  return hash.digest("hex");
}

/** One select of an md5 per table (drizzle's migrations live in their own schema), rows in text order. */
async function postgresDigestQuery(store: Store): Promise<string> {
  const tables = (
    await store.query(
      "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name",
    )
  )
    .map((t) => String(t.table_name))
    .filter((t) => !TIMER_TABLES.has(t));
  const row = (t: string) => (TIMER_COLUMNS[t] ? `(to_jsonb(r) - '${TIMER_COLUMNS[t]}')::text` : "r::text");
  return `select ${tables
    .map(
      (t) =>
        `(select md5(coalesce(string_agg(x, '|' order by x), '')) from (select ${row(t)} x from "${t}" r) s) as "${t}"`,
    )
    .join(", ")}`;
}

/** A server with a little of everything, and the ids that exist in it. */
async function seeded(dialect: DialectName) {
  const server = await startServer({
    dialect,
    // No loop runs during the fuzz (it would change the database between two reads).
    tickMs: 3_600_000,
    webhooks: { retries: 0, timeoutMs: 200 },
  });
  const call = api(server.url);
  const must = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  for (const key of ["alpha", "beta"])
    await must("POST", "/api/flags", { key, type: "boolean", clientVisible: true });
  await must("POST", "/api/flags", {
    key: "gamma",
    type: "string",
    variants: [
      { key: "a", value: "A" },
      { key: "b", value: "B" },
    ],
    offVariant: "a",
  });
  await must("PATCH", "/api/flags/alpha/environments/production", { percentage: 25 });
  await must("PUT", "/api/flags/alpha/environments/production/guard", { rules: ["errors-vs-control"] });
  const plan = await must("POST", "/api/flags/beta/environments/production/plans", { preset: "default" });
  const schedule = await must("POST", "/api/flags/gamma/environments/staging/schedules", {
    in: "2h",
    percentage: 5,
  });
  const closed = `http://127.0.0.1:${await freePort()}/hook`;
  const hook = await must("POST", "/api/environments/production/webhooks", { url: closed });
  const server1 = await must("POST", "/api/tokens", { scope: "server", environment: "production" });
  const client1 = await must("POST", "/api/tokens", { scope: "client", environment: "production" });
  const revoked = await must("POST", "/api/tokens", { scope: "server", environment: "staging" });
  const spare = await must("POST", "/api/tokens", { scope: "client", environment: "staging" });
  const spareHook = await must("POST", "/api/environments/staging/webhooks", { url: closed });
  await must("POST", "/api/flags", { key: "doomed", type: "boolean" });
  await must("DELETE", `/api/tokens/${revoked.id}`);
  const known = {
    key: ["alpha", "beta", "gamma", "no-such-flag"],
    env: ["production", "staging", "development", "nowhere"],
    id: [plan.id, schedule.id, hook.id, spare.id, spareHook.id, "missing"],
  };
  // Careful callers remove only what was made to be removed, so the rest stays reachable.
  const removable = {
    "POST /api/flags/{key}/archive": { key: ["doomed"] },
    "DELETE /api/tokens/{id}": { id: [spare.id] },
    "DELETE /api/webhooks/{id}": { id: [spareHook.id] },
  } as Record<string, Record<string, string[]>>;
  const tokens = [ADMIN, server1.token, client1.token, revoked.token, "rg_admin_forged", "", "Basic abc"];
  return {
    server,
    known,
    removable,
    tokens,
    right: { admin: ADMIN, server: server1.token, client: client1.token },
  };
}

type Right = { admin: string; server: string; client: string };

/**
 * Half the cases are careful callers (the right token, JSON, no precondition or origin) with a
 * good body or a mutated one, so the fuzz gets past authentication into every handler; the other
 * half change everything at once.
 */
function requestArb(
  doc: OpenApiDoc,
  ops: Operation[],
  known: Record<string, string[]>,
  removable: Record<string, Record<string, string[]>>,
  tokens: string[],
  right: Right,
) {
  return fc.oneof(careful(doc, ops, known, removable, right), hostile(doc, ops, known, tokens));
}

function careful(
  doc: OpenApiDoc,
  ops: Operation[],
  known: Record<string, string[]>,
  removable: Record<string, Record<string, string[]>>,
  right: Right,
) {
  const p = pools(known);
  return fc.constantFrom(...ops).chain((op) => {
    const pathParams = op.params.filter((x) => x.in === "path");
    const id = `${op.method} ${op.path}`;
    const good = GOOD[id] ?? (op.body ? fromSchema(doc, op.body, p) : fc.constant({}));
    const body = fc.oneof(
      { weight: 3, arbitrary: good.map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: mutated(good).map((v) => JSON.stringify(v)) },
    );
    return fc.record({
      op: fc.constant(op),
      path: fc
        .tuple(
          ...pathParams.map((x) => fc.constantFrom(...(removable[id]?.[x.name] ?? known[x.name] ?? ["x"]))),
        )
        .map((values) => pathParams.reduce((path, x, i) => path.replace(`{${x.name}}`, values[i]!), op.path)),
      query: fc.constant([] as Array<[string, string]>),
      body: op.method === "GET" || op.method === "DELETE" ? fc.constant(null) : body,
      token: fc.constant(rightToken(op.path, right)),
      contentType: fc.constant("application/json"),
      ifMatch: fc.constant(null),
      ifNoneMatch: fc.constant(null),
      origin: fc.constant(null),
      method: fc.constant(op.method),
    });
  });
}

function hostile(doc: OpenApiDoc, ops: Operation[], known: Record<string, string[]>, tokens: string[]) {
  const p = pools(known);
  return fc.constantFrom(...ops).chain((op) => {
    const pathParams = op.params.filter((x) => x.in === "path");
    const queryParams = op.params.filter((x) => x.in === "query");
    const valid =
      GOOD[`${op.method} ${op.path}`] ??
      (op.body ? fromSchema(doc, op.body, p) : fc.jsonValue({ maxDepth: 2 }));
    const body = fc.oneof(
      { weight: 4, arbitrary: valid.map((v) => JSON.stringify(v)) },
      { weight: 3, arbitrary: mutated(valid).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom("", "{", "[]", "null", '{"a":', "\u0000", "{}".repeat(100)) },
    );
    return fc.record({
      op: fc.constant(op),
      path: fc.tuple(...pathParams.map((x) => p.param(x.name))).map((values) => {
        let path = op.path;
        pathParams.forEach((x, i) => {
          path = path.replace(`{${x.name}}`, values[i]!);
        });
        return path;
      }),
      query: fc.array(
        fc.tuple(fc.constantFrom(...queryParams.map((x) => x.name), "extra", "token"), p.word),
        { maxLength: queryParams.length > 0 ? 3 : 1 },
      ),
      body: op.method === "GET" || op.method === "DELETE" ? fc.option(body, { freq: 8 }) : body,
      token: fc.constantFrom(...tokens),
      contentType: fc.constantFrom(
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
      ),
      ifMatch: fc.option(fc.constantFrom('"1"', '"2"', "*", 'W/"1"', "garbage", '"99999999999999999999"'), {
        freq: 3,
      }),
      ifNoneMatch: fc.option(fc.constantFrom('"x"', "*", "garbage"), { freq: 4 }),
      origin: fc.option(fc.constantFrom("https://evil.example", "null", "http://127.0.0.1:1"), { freq: 4 }),
      method: fc.oneof(
        { weight: 19, arbitrary: fc.constant(op.method) },
        { weight: 1, arbitrary: fc.constantFrom("PUT", "PATCH", "OPTIONS", "HEAD") },
      ),
    });
  });
}

function problemIsValid(a: Answer, path: string): string | null {
  if (a.status < 400) return null;
  if (path.startsWith("/ofrep/v1/evaluate") && a.type.startsWith("application/json")) {
    try {
      return typeof JSON.parse(a.body).errorCode === "string" ? null : "OFREP error without errorCode";
    } catch {
      return "OFREP error that is not JSON";
    }
  }
  if (!a.type.startsWith("application/problem+json"))
    return `a ${a.status} as ${a.type || "no content type"}`;
  try {
    const body = JSON.parse(a.body) as { detail?: unknown; status?: unknown };
    if (typeof body.detail !== "string" || body.detail === "") return "a problem without a detail";
    if (body.status !== a.status) return `a problem whose status says ${String(body.status)}`;
  } catch {
    return "a problem that is not JSON";
  }
  return null;
}

export async function fuzzApi(options: FuzzOptions): Promise<FuzzStats> {
  const started = performance.now();
  // What a library prints on its own (an error @hono/node-server caught after answering) is a
  // fault the answer alone does not show: the case that printed it fails.
  const printed: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    printed.push(args.map(String).join(" "));
  };
  const { server, known, removable, tokens, right } = await seeded(options.dialect ?? "sqlite");
  try {
    const url = new URL(server.url);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDoc;
    const ops = operationsOf(doc);
    const stats: FuzzStats = {
      cases: 0,
      operations: ops.length,
      reached: 0,
      unreached: [],
      byClass: {},
      unsendable: 0,
      ms: 0,
    };
    const reached = new Set<string>();
    const probe = probeOf(server.deps.database);
    let before = await probe.digest();
    let stale = false;
    let seenWrites = probe.writes();
    await fc.assert(
      fc.asyncProperty(requestArb(doc, ops, known, removable, tokens, right), async (r) => {
        const query = r.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
        const path = query ? `${r.path}?${query}` : r.path;
        const headers: Record<string, string> = {};
        if (r.token) headers.authorization = r.token.startsWith("Basic") ? r.token : `Bearer ${r.token}`;
        if (r.body !== null && r.body !== undefined && r.contentType) headers["content-type"] = r.contentType;
        if (r.ifMatch) headers["if-match"] = r.ifMatch;
        if (r.ifNoneMatch) headers["if-none-match"] = r.ifNoneMatch;
        if (r.origin) headers.origin = r.origin;
        // Framed explicitly: node:http sends a GET's body unframed, which no server can parse.
        if (r.body !== null && r.body !== undefined)
          headers["content-length"] = String(Buffer.byteLength(r.body));
        if (stale) {
          before = await probe.digest();
          stale = false;
        }
        const answer = await send(url, r.method, path, headers, r.body ?? undefined);
        stats.cases++;
        if (!answer) {
          stats.unsendable++;
          return;
        }
        const what = `${r.method} ${path} (${r.op.method} ${r.op.path}) → ${answer.status} ${answer.body.slice(0, 300)}`;
        const cls = `${Math.floor(answer.status / 100)}xx`;
        stats.byClass[cls] = (stats.byClass[cls] ?? 0) + 1;
        if (answer.status >= 500 || answer.status < 200) throw new Error(`a ${answer.status}: ${what}`);
        // A library's error may be printed a moment after its answer.
        await new Promise((r) => setImmediate(r));
        if (printed.length > 0)
          throw new Error(`the server printed ${printed.splice(0).join("; ")}: ${what}`);
        // A HEAD answer has the head of the GET's, and no body by definition.
        const bad = r.method === "HEAD" ? null : problemIsValid(answer, r.path);
        if (bad) throw new Error(`${bad}: ${what}`);
        if (answer.status < 300) reached.add(`${r.op.method} ${r.op.path}`);
        const now = probe.writes();
        if (now === null || now !== seenWrites) {
          // After a 4xx the database must be as it was; after anything else it may have moved on.
          if (answer.status >= 400) {
            if ((await probe.digest()) !== before)
              throw new Error(`a ${answer.status} changed the database: ${what}`);
          } else stale = true;
          seenWrites = now;
        }
      }),
      { numRuns: options.runs, seed: options.seed, endOnFailure: true },
    );
    stats.reached = reached.size;
    stats.unreached = ops.map((o) => `${o.method} ${o.path}`).filter((o) => !reached.has(o));
    stats.ms = performance.now() - started;
    return stats;
  } finally {
    console.error = consoleError;
    await server.close();
  }
}
