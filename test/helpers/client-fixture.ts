import { ADMIN, api, startServer } from "./server.js";

/**
 * A running server with a few flags for the client API, OFREP and browser tests: `banner`
 * (boolean, client-visible), `headline` (string, client-visible, a rule for country DE and a 50%
 * split), `limit` (number, visible), `theme` (json, visible) and `internal` (string, NOT visible).
 */
export async function clientFixture(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(options);
  const admin = api(server.url, ADMIN);
  const must = async (method: string, path: string, body?: unknown) => {
    const r = await admin(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  await must("POST", "/api/flags", { key: "banner", type: "boolean", clientVisible: true });
  await must("POST", "/api/flags", {
    key: "headline",
    type: "string",
    clientVisible: true,
    variants: [
      { key: "control", value: "Welcome" },
      { key: "bold", value: "WELCOME!" },
    ],
    offVariant: "control",
  });
  await must("PATCH", "/api/flags/headline/environments/production", {
    percentage: 50,
    rules: [
      {
        id: "germany",
        conditions: [{ attribute: "country", operator: "in", values: ["DE"] }],
        variant: "bold",
      },
    ],
  });
  await must("POST", "/api/flags", {
    key: "limit",
    type: "number",
    clientVisible: true,
    variants: [
      { key: "low", value: 10 },
      { key: "high", value: 100 },
    ],
    offVariant: "low",
  });
  await must("PATCH", "/api/flags/limit/environments/production", { percentage: 100 });
  await must("POST", "/api/flags", {
    key: "theme",
    type: "json",
    clientVisible: true,
    variants: [
      { key: "light", value: { bg: "white" } },
      { key: "dark", value: { bg: "black" } },
    ],
    offVariant: "light",
  });
  await must("POST", "/api/flags", {
    key: "internal",
    type: "string",
    variants: [
      { key: "a", value: "secret-a" },
      { key: "b", value: "secret-b" },
    ],
    offVariant: "a",
  });
  await must("PATCH", "/api/flags/internal/environments/production", { percentage: 37.5 });
  const token = async (scope: "client" | "server", extra: Record<string, unknown> = {}) =>
    (await must("POST", "/api/tokens", { scope, environment: "production", ...extra })).token as string;
  return { server, url: server.url, admin, must, token };
}
