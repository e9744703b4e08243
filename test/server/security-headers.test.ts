import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";

// Headers on every answer: nosniff everywhere (the evaluate lane and streams included), no-store
// on admin answers (a new token's secret above all), and a 401 that names its scheme.

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
  await api(server.url)("POST", "/api/flags", { key: "f", type: "boolean", clientVisible: true });
});
afterAll(() => server.close());

const get = (path: string, token?: string) =>
  fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("security headers", () => {
  it("no-store and nosniff on admin answers, the token secret's above all", async () => {
    const res = await fetch(`${server.url}/api/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ scope: "server", environment: "production" }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    for (const path of ["/api/flags", "/api/flags/f", "/api/audit", "/metrics"]) {
      const r = await get(path, ADMIN);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("cache-control"), path).toBe("no-store");
    }
  });

  it("nosniff on SDK answers, the lane's and a stream's; their own cache policy stays", async () => {
    const sdk = await createToken(server.url, "server");
    const client = await createToken(server.url, "client");
    const flags = await get("/api/sdk/flags", sdk.token);
    expect(flags.headers.get("cache-control")).toBe("no-cache");
    expect(flags.headers.get("x-content-type-options")).toBe("nosniff");
    const lane = await fetch(`${server.url}/api/client/evaluate`, {
      method: "POST",
      headers: { authorization: `Bearer ${client.token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(lane.status).toBe(200);
    expect(lane.headers.get("x-content-type-options")).toBe("nosniff");
    const abort = new AbortController();
    const stream = await fetch(`${server.url}/api/sdk/stream`, {
      headers: { authorization: `Bearer ${sdk.token}` },
      signal: abort.signal,
    });
    expect(stream.headers.get("x-content-type-options")).toBe("nosniff");
    abort.abort();
    expect((await get("/healthz")).headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("a 401 says WWW-Authenticate: Bearer", async () => {
    const res = await get("/api/flags");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="rollguard"');
  });

  it("no-store on every admin answer: each GET of /openapi.json outside the SDK and client APIs", async () => {
    const doc = await (await get("/openapi.json")).json();
    const paths = Object.keys(doc.paths).filter(
      (p) => p.startsWith("/api/") && !/^\/api\/(sdk|client)\//.test(p) && doc.paths[p].get,
    );
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const concrete = path.replace(/\{env\}/g, "production").replace(/\{[^}]+\}/g, "f");
      const abort = new AbortController();
      const res = await fetch(`${server.url}${concrete}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
        signal: abort.signal,
      });
      expect(`${path} (${res.status}): ${res.headers.get("cache-control")}`).toMatch(/: no-store\b/);
      abort.abort();
    }
  });
});

describe("the dashboard page", () => {
  it("has a CSP without inline scripts, and no site may frame it", async () => {
    const distDir = mkdtempSync(join(tmpdir(), "rollguard-csp-"));
    writeFileSync(
      join(distDir, "index.html"),
      '<!doctype html><script type="module" src="./assets/a.js"></script>',
    );
    const dash = await startServer({ dashboard: { distDir } });
    try {
      const res = await fetch(`${dash.url}/`);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      const directives = new Map(
        csp.split(";").map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
      expect(directives.get("script-src")).toEqual(["'self'"]);
      expect(directives.get("default-src")).toEqual(["'none'"]);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    } finally {
      await dash.close();
      rmSync(distDir, { recursive: true, force: true });
    }
  });
});
