import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses, FlagKey } from "../kernel/http/common-schemas.js";
import { parseIfMatch, versionEtag } from "../kernel/http/if-match.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { removeGuard, setGuard } from "./guard-commands.js";
import { GuardViewSchema, PresetsSchema, PutGuardBody } from "./guard-schemas.js";
import { guardView } from "./guard-view.js";
import { resolveGuardedRule, type StoredRule } from "./rule-sources.js";
import { GUARD_PRESETS } from "./stats/guard-rule.js";

const GUARD_PATH = "/api/flags/{key}/environments/{env}/guard";
const Params = z.object({ key: FlagKey, env: EnvironmentKey });

/** Every entry through `resolveGuardedRule`; all problems reported at once, as `rules.<i>.<field>`. */
function resolveRules(inputs: readonly unknown[]): StoredRule[] {
  const rules: StoredRule[] = [];
  const issues: Array<{ path: string[]; message: string }> = [];
  inputs.forEach((input, i) => {
    const r = resolveGuardedRule(input);
    if (r.ok) rules.push(r.rule);
    else for (const message of r.issues) issues.push({ path: ["rules", String(i)], message });
  });
  if (issues.length > 0)
    throw problems.badRequest(
      `Invalid guard rules: ${issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; ")}`,
      { issues },
    );
  return rules;
}

export function guardRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/flags/:key/environments/:env/guard", requireToken(deps, ["admin"]));
  app.use("/api/guard/*", requireToken(deps, ["admin"]));

  const view = async (key: string, env: string) => {
    const v = await guardView(deps.db, key, env);
    if (!v) throw problems.notFound(`flag \`${key}\` has no guard in \`${env}\``);
    return v;
  };

  app.openapi(
    createRoute({
      method: "put",
      path: GUARD_PATH,
      summary: "Set a flag's guard rules in one environment (replaces them; If-Match: the guard's version)",
      description:
        "Each rule is a preset's name, `{ preset, …overrides }`, or a whole rule. The guard loop " +
        "watches the flag whenever it is enabled above 0% and rolls it back (or notifies) when a " +
        "rule's harm is proven. Rules whose statistics did not change keep their evidence.",
      security: [{ bearer: [] }],
      request: {
        params: Params,
        headers: z.object({ "if-match": z.string().optional() }),
        ...body(PutGuardBody),
      },
      responses: {
        200: json(GuardViewSchema, "The guard, its state and evidence"),
        ...errorResponses(400, 401, 403, 404, 412),
      },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      const rules = resolveRules(c.req.valid("json").rules);
      const row = await setGuard(deps, key, env, rules, {
        actor: actorOf(c.var.principal),
        expectedVersion: parseIfMatch(c.req.header("if-match")),
      });
      c.header("ETag", versionEtag(row.version));
      return c.json(await view(key, env), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: GUARD_PATH,
      summary:
        "A flag's guard: state (healthy, warning, no_data, paused, held, rolled_back), rules and evidence",
      security: [{ bearer: [] }],
      request: { params: Params },
      responses: {
        200: json(GuardViewSchema, "The guard, its state and evidence"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      const v = await view(key, env);
      c.header("ETag", versionEtag(v.version));
      return c.json(v, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: GUARD_PATH,
      summary: "Remove a flag's guard in one environment; its run ends",
      security: [{ bearer: [] }],
      request: { params: Params },
      responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      await removeGuard(deps, key, env, actorOf(c.var.principal));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/guard/presets",
      summary: "The ready-made guard rules, with every default applied",
      security: [{ bearer: [] }],
      responses: { 200: json(PresetsSchema, "Presets by name"), ...errorResponses(401, 403) },
    }),
    async (c) => c.json({ presets: GUARD_PRESETS }, 200),
  );
  return app;
}
