import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses, FlagKey } from "../kernel/http/common-schemas.js";
import { parseIfMatch, versionEtag } from "../kernel/http/if-match.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { archiveFlag, createFlag, patchFlagState, updateFlag } from "./flag-commands.js";
import { type LifecycleOptions, withLifecycle } from "./flag-lifecycle.js";
import { findFlag, listFlags, statesByFlag, statesOf, toFlagOut } from "./flag-rows.js";
import { CreateFlagBody, Flag, FlagState, FlagStatePatch, UpdateFlagBody } from "./flag-schemas.js";
import { DEFAULT_STALE_POLICY, type StalePolicy } from "./staleness.js";
import { usageOf } from "./usage-rows.js";

const KeyParam = z.object({ key: FlagKey });
const KeyEnvParams = z.object({ key: FlagKey, env: EnvironmentKey });

const ListQuery = z.object({
  tag: z.string().optional(),
  q: z.string().max(128).optional().openapi({ description: "substring of the key, in any case" }),
  archived: z.enum(["true", "false"]).optional(),
  stale: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "true: only flags with a stale mark; false: only those without" }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: FlagKey.optional().openapi({ description: "cursor: the last key of the previous page" }),
});

export function flagRoutes(deps: AppDeps, lifecycle: LifecycleOptions = {}) {
  const app = router();
  const policy: StalePolicy = { unusedDays: lifecycle.unusedDays ?? DEFAULT_STALE_POLICY.unusedDays };
  /** A flag as every answer shows it: stored fields, stale mark, last evaluations. */
  const read = async (key: string) => {
    const flag = await findFlag(deps.db, key);
    if (!flag) throw problems.notFound(`flag \`${key}\` does not exist`);
    const states = await statesOf(deps.db, key);
    const usage = (await usageOf(deps.db, [key])).get(key) ?? new Map();
    return withLifecycle(toFlagOut(flag, states), flag, states, usage, deps.clock.now(), policy);
  };
  app.use("/api/flags", requireToken(deps, ["admin"]));
  app.use("/api/flags/*", requireToken(deps, ["admin"]));

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/flags",
      summary: "Create a flag (enabled, at 0%, in every environment)",
      request: body(CreateFlagBody),
      responses: { 201: json(Flag, "The new flag"), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) =>
      c.json(
        await read((await createFlag(deps, c.req.valid("json"), { actor: actorOf(c.var.principal) })).key),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/flags",
      summary: "List flags, filtered by tag or stale mark, paginated by key",
      request: { query: ListQuery },
      responses: {
        200: json(z.object({ flags: z.array(Flag), next: z.string().nullable() }), "A page of flags"),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { page, next } = await listFlags(deps.db, q);
      const keys = page.map((f) => f.key);
      const states = await statesByFlag(deps.db, keys);
      const usage = await usageOf(deps.db, keys);
      const now = deps.clock.now();
      const flags = page.map((f) => {
        const st = states.get(f.key) ?? [];
        return withLifecycle(toFlagOut(f, st), f, st, usage.get(f.key) ?? new Map(), now, policy);
      });
      // Filtered after paging, so `next` still continues where this page's keys ended.
      const shown =
        q.stale === undefined ? flags : flags.filter((f) => (f.stale !== null) === (q.stale === "true"));
      return c.json({ flags: shown, next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/flags/{key}",
      summary: "A flag with its state in every environment",
      request: { params: KeyParam },
      responses: { 200: json(Flag, "The flag"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await read(c.req.valid("param").key), 200),
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/api/flags/{key}",
      summary: "Change a flag's description, tags, browser visibility, variants, kind or lifetime",
      request: { params: KeyParam, ...body(UpdateFlagBody) },
      responses: { 200: json(Flag, "The changed flag"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) =>
      c.json(
        await read(
          (
            await updateFlag(deps, c.req.valid("param").key, c.req.valid("json"), {
              actor: actorOf(c.var.principal),
            })
          ).key,
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/flags/{key}/archive",
      summary: "Archive a flag: SDKs stop receiving it, the audit log keeps its history",
      request: { params: KeyParam },
      responses: { 200: json(Flag, "The archived flag"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) =>
      c.json(
        await read(
          (await archiveFlag(deps, c.req.valid("param").key, { actor: actorOf(c.var.principal) })).key,
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/api/flags/{key}/environments/{env}",
      summary: "Change a flag's state in one environment (If-Match: the version you read)",
      request: {
        params: KeyEnvParams,
        headers: z.object({ "if-match": z.string().optional() }),
        ...body(FlagStatePatch),
      },
      responses: { 200: json(FlagState, "The new state"), ...errorResponses(400, 401, 403, 404, 412) },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      const expectedVersion = parseIfMatch(c.req.header("if-match"));
      const state = await patchFlagState(deps, key, env, c.req.valid("json"), {
        actor: actorOf(c.var.principal),
        expectedVersion,
      });
      c.header("ETag", versionEtag(state.version));
      return c.json(state, 200);
    },
  );

  return app;
}
