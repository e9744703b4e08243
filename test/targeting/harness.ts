import type { FlagConfig } from "../../sdk/core/index.js";
import { targetingVectors } from "../core/targeting-vectors.js";
import type { DialectName } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";

type Admin = ReturnType<typeof api>;

function stateOf(f: FlagConfig) {
  return {
    enabled: f.enabled,
    percentage: f.percentage,
    salt: f.salt,
    rules: f.rules,
    weights: f.weights,
    ...(f.prerequisites ? { prerequisites: f.prerequisites } : {}),
  };
}

/**
 * A real server holding the targeting vectors, written through the admin API as a person would:
 * segments, then every flag, then the states of the flags the server accepts. Returns the answers
 * to the writes it must refuse (dangling references, the cycle), for the test to check.
 */
export async function serverWithVectors(dialect: DialectName = "sqlite") {
  const server = await startServer({ dialect });
  const admin: Admin = api(server.url);
  const must = async (method: string, path: string, body?: unknown) => {
    const r = await admin(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  for (const s of targetingVectors.segments)
    await must("POST", "/api/segments", {
      key: s.key,
      idAttribute: s.idAttribute,
      ids: s.ids,
      conditions: s.conditions,
    });
  for (const f of targetingVectors.flags)
    await must("POST", "/api/flags", {
      key: f.key,
      type: f.type,
      ...(f.type === "boolean" ? {} : { variants: f.variants, offVariant: f.offVariant }),
    });
  const refused = new Set(targetingVectors.refusedByServer);
  for (const f of targetingVectors.flags)
    if (!refused.has(f.key)) await must("PATCH", `/api/flags/${f.key}/environments/production`, stateOf(f));
  const refusals = [];
  for (const f of targetingVectors.flags)
    if (refused.has(f.key))
      refusals.push({
        flag: f.key,
        answer: await admin("PATCH", `/api/flags/${f.key}/environments/production`, stateOf(f)),
      });
  const token = await createToken(server.url);
  return { server, admin, token: token.token, refusals };
}
